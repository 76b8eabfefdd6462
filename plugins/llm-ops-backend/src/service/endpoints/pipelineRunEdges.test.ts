import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import { readFeed } from '../../__testUtils__/readFeed';
import {
  specCheckedClient,
  type SpecCheckedClient,
} from '../../__testUtils__/specCheckedClient';
import { addLineageEdges } from '../../database/lineage';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const v1 = '/api/llm-ops/v1';
const feed = `${v1}/pipeline-run-edges`;

type Edge = {
  pipelineId: string;
  pipelineRunId: string;
  relation: string;
  toType: string;
  toId: string;
  experimentId: string | null;
};

/** Every page of the feed, following nextCursor, with the page sizes seen. */
const readAll = (api: SpecCheckedClient, pageSize: number) =>
  readFeed<Edge>(api, feed, pageSize);

const key = (e: Pick<Edge, 'pipelineRunId' | 'relation' | 'toId'>) =>
  `${e.pipelineRunId} ${e.relation} ${e.toId}`;

describe.each(databases.eachSupportedId())(
  'pipeline run edges API on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const server = await startLlmOpsBackend({ knex });
      return { api: specCheckedClient(server), knex };
    }

    async function post(api: SpecCheckedClient, path: string, body: object) {
      const res = await api.post(`${v1}${path}`, body);
      expect(res.status).toBeLessThan(300);
      return res.body.data;
    }

    /**
     * Two pipelines, `train` with two runs and `ingest` with one, linked to experiment runs,
     * dataset versions and model versions; an experiment run that used a dataset version on its
     * own (an edge that is not a pipeline run's).
     */
    async function seed(api: SpecCheckedClient) {
      const experiment = await post(api, '/experiments', { name: 'finetune' });
      const runA = await post(api, '/runs', { experimentId: experiment.id });
      const runB = await post(api, '/runs', { experimentId: experiment.id });
      await post(api, '/datasets', { name: 'tickets' });
      const tickets1 = await post(api, '/datasets/tickets/versions', {
        version: '1',
        uri: 's3://data/tickets/1',
      });
      const tickets2 = await post(api, '/datasets/tickets/versions', {
        version: '2',
        uri: 's3://data/tickets/2',
      });
      await post(api, '/models', { name: 'ranker' });
      const ranker1 = await post(api, '/models/ranker/versions', {
        artifactUri: 's3://models/ranker/1',
      });
      await post(api, `/runs/${runA.id}/inputs`, {
        datasetVersionIds: [tickets1.id],
      });
      const train = await post(api, '/pipelines', {
        name: 'train',
        runtime: 'builtin',
      });
      const ingest = await post(api, '/pipelines', {
        name: 'ingest',
        runtime: 'builtin',
      });
      await post(api, '/pipelines', { name: 'idle', runtime: 'builtin' });
      const train1 = await post(api, '/pipelines/train/runs', {});
      const train2 = await post(api, '/pipelines/train/runs', {});
      const ingest1 = await post(api, '/pipelines/ingest/runs', {});
      const links = [
        ...(
          await post(api, `/pipeline-runs/${train1.id}/links`, {
            used: [tickets1.id],
            ran: [runA.id],
            produced: [ranker1.id],
          })
        ).edges.map((e: any) => ({ ...e, run: train1, pipeline: train })),
        ...(
          await post(api, `/pipeline-runs/${train2.id}/links`, {
            used: [tickets1.id, tickets2.id],
            ran: [runB.id],
          })
        ).edges.map((e: any) => ({ ...e, run: train2, pipeline: train })),
        ...(
          await post(api, `/pipeline-runs/${ingest1.id}/links`, {
            produced: [tickets2.id],
          })
        ).edges.map((e: any) => ({ ...e, run: ingest1, pipeline: ingest })),
      ];
      const expected: Edge[] = links.map(l => ({
        pipelineId: l.pipeline.id,
        pipelineRunId: l.run.id,
        relation: l.relation,
        toType: l.toType,
        toId: l.toId,
        experimentId: l.relation === 'ran' ? experiment.id : null,
      }));
      return { expected, train, ingest, train1, experiment };
    }

    it('pages through the edges of every pipeline run, each once, across page boundaries', async () => {
      const { api } = await setup();
      const { expected } = await seed(api);
      expect(expected).toHaveLength(7);

      const { items, sizes } = await readAll(api, 2);
      expect(sizes).toEqual([2, 2, 2, 1]);
      expect(new Set(items.map(key)).size).toBe(7);
      const sort = (edges: Edge[]) =>
        [...edges].sort((a, b) => key(a).localeCompare(key(b)));
      expect(sort(items)).toEqual(sort(expected));
      // The edges of one pipeline run come together.
      const runBlocks = items
        .map(e => e.pipelineRunId)
        .filter((id, i, ids) => id !== ids[i - 1]);
      expect(runBlocks).toHaveLength(3);
      // Any page size reads the same edges in the same order.
      expect((await readAll(api, 3)).items).toEqual(items);
      expect((await readAll(api, 500)).items).toEqual(items);
    });

    it('holds what the per-pipeline lineage graph shows of each pipeline run', async () => {
      const { api } = await setup();
      const { train, ingest } = await seed(api);
      const { items } = await readAll(api, 500);
      for (const pipeline of [train, ingest]) {
        const graph = (
          await api.get(`${v1}/lineage/pipeline/${pipeline.id}?depth=1`)
        ).body.data;
        const types = new Map<string, string>(
          graph.nodes.map((n: any) => [n.id, n.type]),
        );
        // The graph draws `used` towards the pipeline run, the way data flows.
        const fromGraph = graph.edges
          .filter((e: any) =>
            e.relation === 'used'
              ? types.get(e.to) === 'pipeline-run'
              : ['ran', 'produced'].includes(e.relation) &&
                types.get(e.from) === 'pipeline-run',
          )
          .map((e: any) =>
            e.relation === 'used'
              ? `${e.to} used ${e.from}`
              : `${e.from} ${e.relation} ${e.to}`,
          )
          .sort();
        expect(
          items
            .filter(e => e.pipelineId === pipeline.id)
            .map(key)
            .sort(),
        ).toEqual(fromGraph);
      }
    });

    it('leaves out inactive pipelines and answers an empty first page', async () => {
      const { api, knex } = await setup();
      const empty = await api.get(feed);
      expect(empty.status).toBe(200);
      expect(empty.body.data).toMatchObject({ items: [], nextCursor: null });
      expect(empty.body.message).toBe('0 pipeline run edge(s)');

      const { ingest, expected } = await seed(api);
      await knex('assets')
        .where({ id: ingest.id })
        .update({ lifecycle: 'deleted' });
      const { items } = await readAll(api, 500);
      expect(items.map(e => e.pipelineId)).not.toContain(ingest.id);
      expect(items).toHaveLength(
        expected.filter(e => e.pipelineId !== ingest.id).length,
      );
    });

    it('answers a null experiment for a run that left the store', async () => {
      const { api, knex } = await setup();
      const { train1 } = await seed(api);
      const gone = randomUUID();
      // As an orchestration integration records it, for a run the store never got.
      await addLineageEdges(knex, [
        {
          fromType: 'pipeline-run',
          fromId: train1.id,
          relation: 'ran',
          toType: 'run',
          toId: gone,
        },
      ]);
      const { items } = await readAll(api, 500);
      expect(items.find(e => e.toId === gone)).toEqual({
        pipelineId: train1.pipelineId,
        pipelineRunId: train1.id,
        relation: 'ran',
        toType: 'run',
        toId: gone,
        experimentId: null,
      });
    });

    it('answers 400 in the envelope to a bad page size or cursor', async () => {
      const { api } = await setup();
      await seed(api);
      const first = await api.get(`${feed}?pageSize=1`);
      const cursor = first.body.data.nextCursor;
      expect(cursor).toEqual(expect.any(String));
      expect((await api.get(`${feed}?cursor=${cursor}`)).status).toBe(200);

      const tampered = await api.get(`${feed}?cursor=${cursor.slice(0, -2)}xx`);
      expect(tampered.status).toBe(400);
      expect(tampered.body).toMatchObject({
        status: 'error',
        data: { error: { field: 'cursor' } },
      });
      // A cursor of another feed is refused rather than misapplied.
      await post(api, '/models', { name: 'tagger' });
      for (const version of ['1', '2']) {
        await post(api, '/models/tagger/versions', {
          artifactUri: `s3://models/tagger/${version}`,
        });
      }
      const otherFeed = (await api.get(`${v1}/model-versions?pageSize=1`)).body
        .data.nextCursor;
      const wrongFeed = await api.get(`${feed}?cursor=${otherFeed}`);
      expect(wrongFeed.status).toBe(400);
      expect(wrongFeed.body.data.error.field).toBe('cursor');
      for (const size of ['0', '501', 'ten']) {
        const res = await api.get(`${feed}?pageSize=${size}`);
        expect(res.status).toBe(400);
        expect(res.body.status).toBe('error');
        expect(res.body.message).toMatch(/pageSize/);
      }
    });

    it('answers 403 to a caller who may not read pipelines', async () => {
      const { api, knex } = await setup();
      await seed(api);
      const denied = specCheckedClient(
        await startLlmOpsBackend({ knex, deny: true }),
      );
      const res = await denied.get(feed);
      expect(res.status).toBe(403);
      expect(res.body.data.error.name).toBe('NotAllowedError');
      expect(res.body.data.items).toBeUndefined();
    });
  },
);
