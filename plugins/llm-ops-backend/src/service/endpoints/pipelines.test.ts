import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import { specCheckedClient } from '../../__testUtils__/specCheckedClient';
import { auditedIds } from '../../__testUtils__/auditedIds';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/llm-ops/v1/pipelines';
const runsBase = '/api/llm-ops/v1/pipeline-runs';

async function insertAsset(knex: Knex, kind: string, name: string) {
  const id = randomUUID();
  const now = Date.now();
  await knex('assets').insert({
    id,
    kind,
    name,
    lifecycle: 'active',
    spec: '{}',
    status: '{}',
    created_at: now,
    updated_at: now,
  });
  return id;
}

async function insertVersion(knex: Knex, assetId: string, version: string) {
  const id = randomUUID();
  await knex('versions').insert({
    id,
    asset_id: assetId,
    version,
    spec: '{}',
    created_at: Date.now(),
    updated_at: Date.now(),
  });
  return id;
}

async function insertExperimentRun(knex: Knex, experimentId: string) {
  const id = randomUUID();
  await knex('runs').insert({
    id,
    experiment_id: experimentId,
    name: `run-${id.slice(0, 4)}`,
    status: 'FINISHED',
    lifecycle: 'active',
    created_at: Date.now(),
    updated_at: Date.now(),
  });
  return id;
}

const trainPipeline = {
  name: 'train',
  description: 'Fine-tune and evaluate',
  owner: 'group:default/nlp',
  runtime: 'builtin',
  parameters: { epochs: '3', lr: '0.001' },
};

describe.each(databases.eachSupportedId())(
  'pipelines API on %s',
  databaseId => {
    async function setup(options: { deny?: boolean } = {}) {
      const knex = await databases.init(databaseId);
      const auditor = mockServices.auditor.mock();
      const server = await startLlmOpsBackend({ knex, auditor, ...options });
      return { api: specCheckedClient(server), knex, auditor };
    }

    it('creates pipelines with parameters, reads, updates and lists them', async () => {
      const { api } = await setup();
      const created = await api.post(base, trainPipeline);
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        name: 'train',
        runtime: 'builtin',
        templateRef: null,
        cluster: null,
        namespace: null,
        parameters: { epochs: '3', lr: '0.001' },
        source: { integration: 'builtin' },
      });
      const { id } = created.body.data;
      expect((await api.get(`${base}/${id}`)).body.data.name).toBe('train');

      const argo = await api.post(base, {
        name: 'nightly-eval',
        runtime: 'argo',
        templateRef: { kind: 'WorkflowTemplate', name: 'eval-template' },
        cluster: 'east',
        namespace: 'argo',
        parameters: { model: 'bert' },
      });
      expect(argo.status).toBe(201);
      expect(argo.body.data.templateRef).toEqual({
        kind: 'WorkflowTemplate',
        name: 'eval-template',
      });

      const patched = await api.patch(`${base}/train`, {
        parameters: { epochs: '5', batch: '32' },
        namespace: 'ml',
      });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({
        parameters: { epochs: '5', batch: '32' },
        namespace: 'ml',
      });
      expect(patched.body.data.parameters).not.toHaveProperty('lr');

      const list = await api.get(`${base}?orderBy=name&pageSize=1`);
      expect(list.body.data.items.map((p: any) => p.name)).toEqual([
        'nightly-eval',
      ]);
      const next = await api.get(
        `${base}?orderBy=name&pageSize=1&cursor=${encodeURIComponent(
          list.body.data.nextCursor,
        )}`,
      );
      expect(next.body.data.items.map((p: any) => p.name)).toEqual(['train']);
      expect(next.body.data.nextCursor).toBeNull();
    });

    it('answers 400 naming the field for bad pipelines', async () => {
      const { api } = await setup();
      const noTemplate = await api.post(base, { name: 'a', runtime: 'argo' });
      expect(noTemplate.status).toBe(400);
      expect(noTemplate.body.data.error.field).toBe('templateRef');
      const builtinTemplate = await api.post(base, {
        name: 'a',
        runtime: 'builtin',
        templateRef: { kind: 'WorkflowTemplate', name: 't' },
      });
      expect(builtinTemplate.body.data.error.field).toBe('templateRef');
      const badName = await api.post(base, {
        name: 'Train!',
        runtime: 'builtin',
      });
      expect(badName.body.data.error.field).toBe('name');
      const badParam = await api.post(base, {
        name: 'a',
        runtime: 'builtin',
        parameters: { 'has space': '1' },
      });
      expect(badParam.status).toBe(400);
      expect(badParam.body.data.error.field).toBe('parameters/has space');
      const badValue = await api.post(base, {
        name: 'a',
        runtime: 'builtin',
        parameters: { epochs: 3 },
      });
      expect(badValue.status).toBe(400);
      expect(badValue.body.data.error.field).toMatch(/parameters/);
      const longTag = await api.post(base, {
        name: 'a',
        runtime: 'builtin',
        tags: { ['k'.repeat(251)]: 'v' },
      });
      expect(longTag.status).toBe(400);
      expect(longTag.body.data.error.field).toBe('tags');
      expect((await api.get(base)).body.data.items).toHaveLength(0);
      expect((await api.get(`${base}/nope`)).status).toBe(404);
    });

    it('submits a run with an override, the other parameters taking their defaults', async () => {
      const { api } = await setup();
      const pipeline = (
        await api.post(base, {
          ...trainPipeline,
          cluster: 'east',
          namespace: 'ml',
        })
      ).body.data;
      const submitted = await api.post(`${base}/train/runs`, {
        parameters: { epochs: '10' },
      });
      expect(submitted.status).toBe(201);
      expect(submitted.body.data).toMatchObject({
        pipelineId: pipeline.id,
        pipelineName: 'train',
        parameters: { epochs: '10', lr: '0.001' },
        phase: 'Pending',
        progress: null,
        nodes: [],
        startedAt: null,
        finishedAt: null,
        cluster: 'east',
        namespace: 'ml',
        source: { integration: 'builtin', externalId: null },
      });
      expect(submitted.body.data.name).toMatch(/^train-[a-z0-9]{5}$/);
      const named = await api.post(`${base}/${pipeline.id}/runs`, {
        name: 'train-manual',
      });
      expect(named.body.data).toMatchObject({
        name: 'train-manual',
        parameters: { epochs: '3', lr: '0.001' },
      });
      const fetched = await api.get(`${runsBase}/${submitted.body.data.id}`);
      expect(fetched.body.data).toEqual(submitted.body.data);
    });

    it('answers 400 for an undeclared parameter and records no run', async () => {
      const { api, knex } = await setup();
      await api.post(base, trainPipeline);
      const res = await api.post(`${base}/train/runs`, {
        parameters: { epochs: '10', batch: '64' },
      });
      expect(res.status).toBe(400);
      expect(res.body.data.error.field).toBe('parameters/batch');
      expect(res.body.message).toMatch(/'batch'/);
      expect(await knex('pipeline_runs')).toHaveLength(0);
      expect((await api.post(`${base}/nope/runs`, {})).status).toBe(404);
    });

    it('records Running then Succeeded, setting startedAt and finishedAt', async () => {
      const { api } = await setup();
      await api.post(base, trainPipeline);
      const { id } = (await api.post(`${base}/train/runs`, {})).body.data;

      const running = await api.patch(`${runsBase}/${id}`, {
        phase: 'Running',
        progress: '1/3',
        nodes: [
          {
            id: 'train-abcde',
            name: 'train-abcde',
            type: 'DAG',
            phase: 'Running',
            startedAt: '2026-11-26T10:00:00Z',
          },
          {
            id: 'train-abcde-1',
            name: 'train-abcde.prepare',
            displayName: 'prepare',
            type: 'Pod',
            phase: 'Succeeded',
            startedAt: '2026-11-26T10:00:00Z',
            finishedAt: '2026-11-26T10:01:00Z',
          },
        ],
      });
      expect(running.status).toBe(200);
      expect(running.body.data).toMatchObject({
        phase: 'Running',
        progress: '1/3',
        finishedAt: null,
      });
      expect(running.body.data.startedAt).not.toBeNull();
      expect(running.body.data.nodes).toEqual([
        {
          id: 'train-abcde',
          name: 'train-abcde',
          displayName: 'train-abcde',
          type: 'DAG',
          phase: 'Running',
          startedAt: '2026-11-26T10:00:00.000Z',
          finishedAt: null,
          message: null,
        },
        {
          id: 'train-abcde-1',
          name: 'train-abcde.prepare',
          displayName: 'prepare',
          type: 'Pod',
          phase: 'Succeeded',
          startedAt: '2026-11-26T10:00:00.000Z',
          finishedAt: '2026-11-26T10:01:00.000Z',
          message: null,
        },
      ]);

      const early = await api.patch(`${runsBase}/${id}`, {
        finishedAt: '2026-11-26T10:05:00Z',
      });
      expect(early.status).toBe(400);
      expect(early.body.data.error.field).toBe('finishedAt');

      const succeeded = await api.patch(`${runsBase}/${id}`, {
        phase: 'Succeeded',
        progress: '3/3',
      });
      expect(succeeded.status).toBe(200);
      expect(succeeded.body.data).toMatchObject({
        phase: 'Succeeded',
        progress: '3/3',
        startedAt: running.body.data.startedAt,
      });
      expect(succeeded.body.data.finishedAt).not.toBeNull();
      expect(
        Date.parse(succeeded.body.data.finishedAt) >=
          Date.parse(succeeded.body.data.startedAt),
      ).toBe(true);
      // Nodes not reported again are kept.
      expect(succeeded.body.data.nodes).toHaveLength(2);

      const finishedAt = '2026-12-01T00:00:00.000Z';
      const explicit = await api.patch(`${runsBase}/${id}`, {
        phase: 'Failed',
        finishedAt,
      });
      expect(explicit.body.data).toMatchObject({ phase: 'Failed', finishedAt });

      const retried = await api.patch(`${runsBase}/${id}`, {
        phase: 'Running',
      });
      expect(retried.body.data).toMatchObject({
        phase: 'Running',
        finishedAt: null,
      });

      expect(
        (await api.patch(`${runsBase}/${id}`, { phase: 'Done' })).status,
      ).toBe(400);
      expect(
        (await api.patch(`${runsBase}/${id}`, { progress: 'half' })).status,
      ).toBe(400);
      expect((await api.patch(`${runsBase}/${id}`, {})).status).toBe(400);
      expect(
        (await api.patch(`${runsBase}/${randomUUID()}`, { phase: 'Running' }))
          .status,
      ).toBe(404);
      expect((await api.get(`${runsBase}/not-a-run`)).status).toBe(404);
    });

    it('records lineage links of a run, naming the field of an unknown id', async () => {
      const { api, knex } = await setup();
      await api.post(base, trainPipeline);
      const { id } = (await api.post(`${base}/train/runs`, {})).body.data;
      const experiment = await insertAsset(knex, 'experiment', 'bert-ft');
      const experimentRun = await insertExperimentRun(knex, experiment);
      const dataset = await insertAsset(knex, 'dataset', 'tickets');
      const trainSet = await insertVersion(knex, dataset, 'v1');
      const evalSet = await insertVersion(knex, dataset, 'v2-eval');
      const model = await insertAsset(knex, 'model', 'bert');
      const modelVersion = await insertVersion(knex, model, '1');

      const linked = await api.post(`${runsBase}/${id}/links`, {
        ran: [experimentRun],
        used: [trainSet],
        produced: [modelVersion, evalSet],
      });
      expect(linked.status).toBe(200);
      expect(linked.body.data.pipelineRunId).toBe(id);
      expect(linked.body.data.edges).toEqual(
        expect.arrayContaining([
          { relation: 'ran', toType: 'run', toId: experimentRun },
          { relation: 'used', toType: 'dataset-version', toId: trainSet },
          { relation: 'produced', toType: 'model-version', toId: modelVersion },
          { relation: 'produced', toType: 'dataset-version', toId: evalSet },
        ]),
      );
      expect(linked.body.data.edges).toHaveLength(4);
      const rows = await knex('lineage_edges')
        .where({ from_id: id })
        .select('from_type', 'relation', 'to_type', 'to_id');
      expect(rows).toHaveLength(4);
      expect(rows.every(r => r.from_type === 'pipeline-run')).toBe(true);

      // Again: harmless.
      const again = await api.post(`${runsBase}/${id}/links`, {
        ran: [experimentRun],
      });
      expect(again.body.data.edges).toHaveLength(4);

      const unknownRun = await api.post(`${runsBase}/${id}/links`, {
        ran: [randomUUID()],
        used: [trainSet],
      });
      expect(unknownRun.status).toBe(400);
      expect(unknownRun.body.data.error.field).toBe('ran');
      const modelAsUsed = await api.post(`${runsBase}/${id}/links`, {
        used: [modelVersion],
      });
      expect(modelAsUsed.status).toBe(400);
      expect(modelAsUsed.body.data.error.field).toBe('used');
      const unknownProduced = await api.post(`${runsBase}/${id}/links`, {
        produced: [modelVersion, 'nope'],
      });
      expect(unknownProduced.body.data.error.field).toBe('produced');
      expect((await api.post(`${runsBase}/${id}/links`, {})).status).toBe(400);
      expect(
        (await api.post(`${runsBase}/${randomUUID()}/links`, { ran: [] }))
          .status,
      ).toBe(404);
      expect(await knex('lineage_edges').where({ from_id: id })).toHaveLength(
        4,
      );

      // Deleting the pipeline removes its runs and their edges.
      await api.delete(`${base}/train`);
      expect((await api.get(`${runsBase}/${id}`)).status).toBe(404);
      expect(await knex('lineage_edges').where({ from_id: id })).toHaveLength(
        0,
      );
      expect(await knex('pipeline_runs')).toHaveLength(0);
    });

    it('pages through runs newest first, filtered by phase', async () => {
      const { api } = await setup();
      await api.post(base, trainPipeline);
      await api.post(base, { name: 'other', runtime: 'builtin' });
      await api.post(`${base}/other/runs`, {});
      const submitted: string[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await api.post(`${base}/train/runs`, {
          name: `train-${i}`,
        });
        submitted.push(res.body.data.id);
      }
      await api.patch(`${runsBase}/${submitted[2]}`, { phase: 'Running' });

      const seen: any[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: any = await api.get(
          `${base}/train/runs?pageSize=3${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        );
        expect(page.status).toBe(200);
        pages += 1;
        seen.push(...page.body.data.items);
        cursor = page.body.data.nextCursor;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(7);
      expect(new Set(seen.map(r => r.id))).toEqual(new Set(submitted));
      for (let i = 1; i < seen.length; i++) {
        const [newer, older] = [seen[i - 1], seen[i]];
        expect(Date.parse(newer.createdAt)).toBeGreaterThanOrEqual(
          Date.parse(older.createdAt),
        );
      }
      expect(seen.every(r => r.pipelineName === 'train')).toBe(true);

      const running = await api.get(`${base}/train/runs?phase=Running`);
      expect(running.body.data.items.map((r: any) => r.id)).toEqual([
        submitted[2],
      ]);
      expect(running.body.data.freshness.stale).toBe(false);
      expect((await api.get(`${base}/train/runs?phase=Done`)).status).toBe(400);
      const badCursor = await api.get(`${base}/train/runs?cursor=abc`);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.data.error.field).toBe('cursor');
    });

    it('replays a submit retried with the same Idempotency-Key', async () => {
      const { api, knex } = await setup();
      await api.post(base, trainPipeline);
      const headers = { 'Idempotency-Key': 'nightly-2026-11-26' };
      const body = { parameters: { epochs: '4' } };
      const first = await api.post(`${base}/train/runs`, body, headers);
      const retry = await api.post(`${base}/train/runs`, body, headers);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body.data.id).toBe(first.body.data.id);
      expect(await knex('pipeline_runs')).toHaveLength(1);
    });

    it('audits every mutation', async () => {
      const { api, auditor } = await setup();
      const pipeline = (await api.post(base, trainPipeline)).body.data;
      await api.patch(`${base}/train`, { description: 'x' });
      const { id } = (await api.post(`${base}/train/runs`, {})).body.data;
      await api.patch(`${runsBase}/${id}`, { phase: 'Running' });
      await api.post(`${runsBase}/${id}/links`, { ran: [] });
      await api.delete(`${base}/train`);
      const eventIds = auditor.createEvent.mock.calls.map(
        ([options]) => options.eventId,
      );
      expect(eventIds).toEqual([
        'pipeline-create',
        'pipeline-update',
        'pipeline-run-submit',
        'pipeline-run-update',
        'pipeline-run-link',
        'pipeline-delete',
      ]);
      // Each success names what it wrote: the pipeline, or the pipeline run.
      expect(await auditedIds(auditor)).toEqual([
        pipeline.id,
        pipeline.id,
        id,
        id,
        id,
        pipeline.id,
      ]);
    });

    it('answers 403 to a denied user and changes nothing', async () => {
      const { api: allowed, knex } = await setup();
      await allowed.post(base, trainPipeline);
      const run = (await allowed.post(`${base}/train/runs`, {})).body.data;
      const dataset = await insertAsset(knex, 'dataset', 'tickets');
      const datasetVersion = await insertVersion(knex, dataset, 'v1');

      const denied = specCheckedClient(
        await startLlmOpsBackend({ knex, deny: true }),
      );
      const attempts = [
        await denied.get(base),
        await denied.post(base, { name: 'sneaky', runtime: 'builtin' }),
        await denied.patch(`${base}/train`, { description: 'changed' }),
        await denied.delete(`${base}/train`),
        await denied.get(`${base}/train/runs`),
        await denied.post(`${base}/train/runs`, {}),
        await denied.get(`${runsBase}/${run.id}`),
        await denied.patch(`${runsBase}/${run.id}`, { phase: 'Running' }),
        await denied.post(`${runsBase}/${run.id}/links`, {
          used: [datasetVersion],
        }),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(403);
        expect(res.body.data.error.name).toBe('NotAllowedError');
      }
      expect((await allowed.get(`${runsBase}/${run.id}`)).body.data).toEqual(
        run,
      );
      expect(await knex('pipeline_runs')).toHaveLength(1);
      expect(await knex('lineage_edges')).toHaveLength(0);
      expect(
        (await allowed.get(base)).body.data.items.map((p: any) => p.name),
      ).toEqual(['train']);
    });
  },
);
