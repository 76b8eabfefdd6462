import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import {
  specCheckedClient,
  type SpecCheckedClient,
} from '../../__testUtils__/specCheckedClient';
import { auditedIds } from '../../__testUtils__/auditedIds';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/llm-ops/v1/models';

/** An experiment and a run in it, written straight into the store. */
async function insertRun(knex: Knex): Promise<string> {
  const now = Date.now();
  const experimentId = randomUUID();
  await knex('assets').insert({
    id: experimentId,
    kind: 'experiment',
    name: `exp-${experimentId}`,
    lifecycle: 'active',
    spec: '{}',
    status: '{}',
    created_at: now,
    updated_at: now,
  });
  const runId = randomUUID();
  await knex('runs').insert({
    id: runId,
    experiment_id: experimentId,
    name: 'train',
    status: 'FINISHED',
    start_time: now,
    end_time: now,
    lifecycle: 'active',
    created_at: now,
    updated_at: now,
  });
  return runId;
}

async function createVersions(
  api: SpecCheckedClient,
  model: string,
  n: number,
) {
  const numbers: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await api.post(`${base}/${model}/versions`, {
      artifactUri: `s3://models/${model}/${i}`,
    });
    expect(res.status).toBe(201);
    numbers.push(res.body.data.version);
  }
  return numbers;
}

describe.each(databases.eachSupportedId())('models API on %s', databaseId => {
  async function setup(options: { deny?: boolean } = {}) {
    const knex = await databases.init(databaseId);
    const auditor = mockServices.auditor.mock();
    const server = await startLlmOpsBackend({ knex, auditor, ...options });
    return { api: specCheckedClient(server), knex, auditor, server };
  }

  it('creates a model and numbers its versions 1, 2, 3 in order', async () => {
    const { api } = await setup();
    const created = await api.post(base, {
      name: 'ticket-classifier',
      description: 'Routes support tickets',
      owner: 'group:default/nlp',
      tags: { task: 'classification' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'success',
      data: {
        name: 'ticket-classifier',
        owner: 'group:default/nlp',
        tags: { task: 'classification' },
        lifecycle: 'active',
        aliases: {},
        latestVersion: null,
        source: { integration: 'builtin', externalId: null },
      },
    });
    const { id } = created.body.data;

    const first = await api.post(`${base}/ticket-classifier/versions`, {
      artifactUri: 's3://models/ticket-classifier/1',
      description: 'baseline',
      tags: { framework: 'pytorch' },
    });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      modelId: id,
      modelName: 'ticket-classifier',
      version: '1',
      description: 'baseline',
      sourceRunId: null,
      artifactUri: 's3://models/ticket-classifier/1',
      status: 'READY',
      aliases: [],
      tags: { framework: 'pytorch' },
      source: { integration: 'builtin' },
    });
    expect(await createVersions(api, id, 2)).toEqual(['2', '3']);

    const model = await api.get(`${base}/${id}`);
    expect(model.body.data).toMatchObject({
      name: 'ticket-classifier',
      latestVersion: '3',
    });
    const listed = await api.get(`${base}/ticket-classifier/versions`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.items.map((v: any) => v.version)).toEqual([
      '3',
      '2',
      '1',
    ]);
    expect(listed.body.data.nextCursor).toBeNull();
    expect(listed.body.data.freshness).toEqual({
      stale: false,
      degradedIntegrations: [],
    });

    const two = await api.get(`${base}/ticket-classifier/versions/2`);
    expect(two.body.data).toMatchObject({ version: '2', modelId: id });

    const patched = await api.patch(`${base}/ticket-classifier/versions/2`, {
      description: 'distilled',
      status: 'FAILED_REGISTRATION',
      tags: { framework: 'onnx' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      version: '2',
      description: 'distilled',
      status: 'FAILED_REGISTRATION',
      tags: { framework: 'onnx' },
      artifactUri: `s3://models/${id}/0`,
    });

    const renamed = await api.patch(`${base}/${id}`, {
      name: 'ticket-router',
      tags: { task: '', stage: 'prod' },
    });
    expect(renamed.body.data).toMatchObject({
      name: 'ticket-router',
      tags: { stage: 'prod' },
      latestVersion: '3',
    });
    expect(renamed.body.data.tags).not.toHaveProperty('task');
    expect(
      (await api.get(`${base}/ticket-router/versions/1`)).body.data.modelName,
    ).toBe('ticket-router');

    const list = await api.get(`${base}?q=ROUTER`);
    expect(list.body.data.items).toHaveLength(1);
    expect(list.body.data.items[0]).toMatchObject({
      id,
      latestVersion: '3',
    });
    expect(list.body.data.freshness.stale).toBe(false);
  });

  it('records the source run of a version as lineage', async () => {
    const { api, knex } = await setup();
    const runId = await insertRun(knex);
    await api.post(base, { name: 'summarizer' });
    const res = await api.post(`${base}/summarizer/versions`, {
      artifactUri: `runs:/${runId}/model`,
      sourceRunId: runId,
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ version: '1', sourceRunId: runId });

    const edges = await knex('lineage_edges').select(
      'from_type',
      'from_id',
      'relation',
      'to_type',
      'to_id',
    );
    expect(edges).toEqual([
      {
        from_type: 'run',
        from_id: runId,
        relation: 'produced',
        to_type: 'model-version',
        to_id: res.body.data.id,
      },
    ]);
    expect(
      (await api.get(`${base}/summarizer/versions/1`)).body.data.sourceRunId,
    ).toBe(runId);
  });

  it('answers 400 on an unknown sourceRunId and creates no version', async () => {
    const { api, knex } = await setup();
    await api.post(base, { name: 'summarizer' });
    const res = await api.post(`${base}/summarizer/versions`, {
      artifactUri: 's3://x',
      sourceRunId: randomUUID(),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      status: 'error',
      data: { error: { name: 'InputError', field: 'sourceRunId' } },
    });
    expect(Number((await knex('versions').count({ n: '*' }))[0].n)).toBe(0);
    expect(Number((await knex('lineage_edges').count({ n: '*' }))[0].n)).toBe(
      0,
    );
    // The failed attempt used no number.
    expect(await createVersions(api, 'summarizer', 1)).toEqual(['1']);
  });

  it('sets, moves, reads and removes aliases', async () => {
    const { api, knex } = await setup();
    await api.post(base, { name: 'ranker' });
    await createVersions(api, 'ranker', 3);

    const set = await api.put(`${base}/ranker/aliases/champion`, {
      version: '1',
    });
    expect(set.status).toBe(200);
    expect(set.body.data).toMatchObject({
      version: '1',
      aliases: ['champion'],
    });
    await api.put(`${base}/ranker/aliases/challenger`, { version: '2' });
    expect((await api.get(`${base}/ranker`)).body.data.aliases).toEqual({
      champion: '1',
      challenger: '2',
    });

    const got = await api.get(`${base}/ranker/aliases/champion`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ version: '1' });

    const moved = await api.put(`${base}/ranker/aliases/champion`, {
      version: '2',
    });
    expect(moved.body.data).toMatchObject({
      version: '2',
      aliases: ['challenger', 'champion'],
    });
    expect(
      (await api.get(`${base}/ranker/versions/1`)).body.data.aliases,
    ).toEqual([]);
    expect(
      (await api.get(`${base}/ranker/aliases/champion`)).body.data.version,
    ).toBe('2');
    expect(await knex('aliases').where({ alias: 'champion' })).toHaveLength(1);

    // `latest` reads as the newest version, and cannot be set or removed.
    expect(
      (await api.get(`${base}/ranker/aliases/latest`)).body.data.version,
    ).toBe('3');
    const reserved = await api.put(`${base}/ranker/aliases/latest`, {
      version: '1',
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.data.error).toMatchObject({
      name: 'InputError',
      field: 'alias',
    });
    expect((await api.delete(`${base}/ranker/aliases/latest`)).status).toBe(
      400,
    );

    const badName = await api.put(`${base}/ranker/aliases/1st`, {
      version: '1',
    });
    expect(badName.status).toBe(400);
    expect(badName.body.data.error.field).toBe('alias');
    const noVersion = await api.put(`${base}/ranker/aliases/shadow`, {
      version: '9',
    });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.data.error.field).toBe('version');
    const badVersion = await api.put(`${base}/ranker/aliases/shadow`, {
      version: 'two',
    });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.data.error.field).toMatch(/version/);
    expect(await knex('aliases')).toHaveLength(2);

    const removed = await api.delete(`${base}/ranker/aliases/champion`);
    expect(removed.status).toBe(200);
    expect(removed.body.data).toMatchObject({
      modelName: 'ranker',
      alias: 'champion',
      version: '2',
    });
    expect((await api.get(`${base}/ranker/aliases/champion`)).status).toBe(404);
    expect((await api.delete(`${base}/ranker/aliases/champion`)).status).toBe(
      404,
    );
    expect(
      (await api.get(`${base}/ranker/versions/2`)).body.data,
    ).toMatchObject({ aliases: ['challenger'] });
    expect((await api.get(`${base}/ranker`)).body.data.aliases).toEqual({
      challenger: '2',
    });
  });

  it('deletes a version with its alias, tags and lineage, and never reuses its number', async () => {
    const { api, knex } = await setup();
    const runId = await insertRun(knex);
    await api.post(base, { name: 'ranker' });
    await createVersions(api, 'ranker', 1);
    const two = await api.post(`${base}/ranker/versions`, {
      artifactUri: 's3://ranker/2',
      sourceRunId: runId,
      tags: { note: 'best' },
    });
    await api.put(`${base}/ranker/aliases/champion`, { version: '2' });

    const deleted = await api.delete(`${base}/ranker/versions/2`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id: two.body.data.id });
    expect((await api.get(`${base}/ranker/versions/2`)).status).toBe(404);
    expect((await api.get(`${base}/ranker/aliases/champion`)).status).toBe(404);
    expect(await knex('aliases')).toHaveLength(0);
    expect(
      await knex('tags').where('resource_id', two.body.data.id),
    ).toHaveLength(0);
    expect(await knex('lineage_edges')).toHaveLength(0);
    const model = await api.get(`${base}/ranker`);
    expect(model.body.data).toMatchObject({ aliases: {}, latestVersion: '1' });

    // The highest number was deleted, and still is not handed out again.
    expect(await createVersions(api, 'ranker', 1)).toEqual(['3']);
    expect((await api.delete(`${base}/ranker/versions/2`)).status).toBe(404);
  });

  it('hard-deletes a model with its versions, aliases, tags and lineage', async () => {
    const { api, knex } = await setup();
    const runId = await insertRun(knex);
    const created = await api.post(base, {
      name: 'doomed',
      tags: { a: 'b' },
    });
    const { id } = created.body.data;
    await createVersions(api, 'doomed', 2);
    const produced = await api.post(`${base}/doomed/versions`, {
      artifactUri: 's3://doomed/3',
      sourceRunId: runId,
      tags: { c: 'd' },
    });
    await api.put(`${base}/doomed/aliases/champion`, { version: '3' });
    await api.post(base, { name: 'kept' });
    await createVersions(api, 'kept', 1);

    const deleted = await api.delete(`${base}/doomed`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id });
    expect((await api.get(`${base}/doomed`)).status).toBe(404);
    expect((await api.get(`${base}/doomed/versions`)).status).toBe(404);

    expect(await knex('assets').where({ id })).toHaveLength(0);
    expect(await knex('versions').where({ asset_id: id })).toHaveLength(0);
    expect(await knex('aliases')).toHaveLength(0);
    expect(
      await knex('tags').whereIn('resource_id', [id, produced.body.data.id]),
    ).toHaveLength(0);
    expect(await knex('lineage_edges')).toHaveLength(0);
    expect(await knex('runs').where({ id: runId })).toHaveLength(1);
    expect(
      (await api.get(`${base}/kept/versions`)).body.data.items,
    ).toHaveLength(1);

    // The name is free again, and the new model starts at version 1.
    expect((await api.post(base, { name: 'doomed' })).status).toBe(201);
    expect(await createVersions(api, 'doomed', 1)).toEqual(['1']);
  });

  it('pages through versions newest first with a cursor', async () => {
    const { api } = await setup();
    await api.post(base, { name: 'paged' });
    await api.post(base, { name: 'other' });
    await createVersions(api, 'paged', 7);
    await createVersions(api, 'other', 2);

    const seen: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(
        `${base}/paged/versions?pageSize=3${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      expect(page.status).toBe(200);
      seen.push(page.body.data.items.map((v: any) => v.version));
      cursor = page.body.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual([['7', '6', '5'], ['4', '3', '2'], ['1']]);

    const first = await api.get(`${base}/paged/versions?pageSize=3`);
    const foreign = await api.get(
      `${base}/other/versions?cursor=${encodeURIComponent(
        first.body.data.nextCursor,
      )}`,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.data.error.field).toBe('cursor');
    const garbage = await api.get(`${base}/paged/versions?cursor=nope`);
    expect(garbage.status).toBe(400);
    expect(garbage.body.data.error.field).toBe('cursor');

    // Models page too.
    const models = await api.get(`${base}?pageSize=1&orderBy=-name`);
    expect(models.body.data.items.map((m: any) => m.name)).toEqual(['paged']);
    const next = await api.get(
      `${base}?pageSize=1&orderBy=-name&cursor=${encodeURIComponent(
        models.body.data.nextCursor,
      )}`,
    );
    expect(next.body.data.items.map((m: any) => m.name)).toEqual(['other']);
    expect(next.body.data.nextCursor).toBeNull();
  });

  it('gives concurrent registrations distinct numbers', async () => {
    const { api } = await setup();
    await api.post(base, { name: 'busy' });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(i =>
        api.post(`${base}/busy/versions`, { artifactUri: `s3://busy/${i}` }),
      ),
    );
    expect(results.map(r => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(results.map(r => r.body.data.version).sort()).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('answers 409 on a duplicate name, 404 for unknown ones and 400 for bad input', async () => {
    const { api, knex } = await setup();
    await api.post(base, { name: 'dup' });
    await api.post(base, { name: 'other' });
    const again = await api.post(base, { name: 'dup' });
    expect(again.status).toBe(409);
    expect(again.body.data.error.name).toBe('ConflictError');
    expect((await api.patch(`${base}/other`, { name: 'dup' })).status).toBe(
      409,
    );

    expect((await api.get(`${base}/nope`)).status).toBe(404);
    expect((await api.get(`${base}/nope/versions`)).status).toBe(404);
    expect(
      (await api.post(`${base}/nope/versions`, { artifactUri: 's3://x' }))
        .status,
    ).toBe(404);
    expect((await api.get(`${base}/dup/versions/1`)).status).toBe(404);
    expect((await api.delete(`${base}/nope`)).status).toBe(404);
    expect(
      (await api.put(`${base}/nope/aliases/a`, { version: '1' })).status,
    ).toBe(404);

    const notNumber = await api.get(`${base}/dup/versions/champion`);
    expect(notNumber.status).toBe(400);
    expect(notNumber.body.data.error.field).toBe('version');

    const noUri = await api.post(`${base}/dup/versions`, {});
    expect(noUri.status).toBe(400);
    expect(noUri.body.message).toMatch(/artifactUri/);
    const badStatus = await api.post(`${base}/dup/versions`, {
      artifactUri: 's3://x',
      status: 'DONE',
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.data.error.field).toMatch(/status/);
    const extra = await api.post(`${base}/dup/versions`, {
      artifactUri: 's3://x',
      version: '7',
    });
    expect(extra.status).toBe(400);
    const longUri = await api.post(`${base}/dup/versions`, {
      artifactUri: `s3://${'x'.repeat(2100)}`,
    });
    expect(longUri.status).toBe(400);
    expect(longUri.body.data.error.field).toMatch(/artifactUri/);
    const longKey = { tags: { ['k'.repeat(251)]: 'v' } };
    for (const res of [
      await api.post(base, { name: 'tagged', ...longKey }),
      await api.patch(`${base}/dup`, longKey),
      await api.post(`${base}/dup/versions`, {
        artifactUri: 's3://x',
        ...longKey,
      }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.data.error.field).toBe('tags');
    }
    const emptyPatch = await api.patch(`${base}/dup`, {});
    expect(emptyPatch.status).toBe(400);
    const lifecycle = await api.patch(`${base}/dup`, { lifecycle: 'deleted' });
    expect(lifecycle.status).toBe(400);
    expect(await knex('versions')).toHaveLength(0);
  });

  it('answers 403 to a denied user and changes nothing', async () => {
    const { api, knex } = await setup();
    await api.post(base, { name: 'kept' });
    await createVersions(api, 'kept', 2);
    await api.put(`${base}/kept/aliases/champion`, { version: '1' });

    const denied = specCheckedClient(
      await startLlmOpsBackend({ knex, deny: true }),
    );
    const attempts = [
      await denied.get(base),
      await denied.post(base, { name: 'sneaky' }),
      await denied.get(`${base}/kept`),
      await denied.patch(`${base}/kept`, { name: 'renamed' }),
      await denied.delete(`${base}/kept`),
      await denied.get(`${base}/kept/versions`),
      await denied.post(`${base}/kept/versions`, { artifactUri: 's3://x' }),
      await denied.get(`${base}/kept/versions/1`),
      await denied.patch(`${base}/kept/versions/1`, { description: 'x' }),
      await denied.delete(`${base}/kept/versions/1`),
      await denied.get(`${base}/kept/aliases/champion`),
      await denied.put(`${base}/kept/aliases/champion`, { version: '2' }),
      await denied.delete(`${base}/kept/aliases/champion`),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.body.data.error.name).toBe('NotAllowedError');
    }

    const model = await api.get(`${base}/kept`);
    expect(model.body.data).toMatchObject({
      name: 'kept',
      aliases: { champion: '1' },
      latestVersion: '2',
    });
    expect(
      (await api.get(`${base}/kept/versions/1`)).body.data.description,
    ).toBeNull();
    expect(await knex('versions')).toHaveLength(2);
    expect(await knex('assets').where({ kind: 'model' })).toHaveLength(1);
  });

  it('audits every mutation', async () => {
    const { api, auditor, knex } = await setup();
    const runId = await insertRun(knex);
    const model = (await api.post(base, { name: 'audited' })).body.data;
    await api.patch(`${base}/audited`, { description: 'x' });
    const version = (
      await api.post(`${base}/audited/versions`, {
        artifactUri: 's3://a',
        sourceRunId: runId,
      })
    ).body.data;
    await api.patch(`${base}/audited/versions/1`, { description: 'y' });
    await api.put(`${base}/audited/aliases/champion`, { version: '1' });
    await api.delete(`${base}/audited/aliases/champion`);
    await api.delete(`${base}/audited/versions/1`);
    await api.post(`${base}/audited/versions`, {
      artifactUri: 's3://b',
      sourceRunId: randomUUID(),
    });
    await api.delete(`${base}/audited`);
    const events = auditor.createEvent.mock.calls.map(([options]) => [
      options.eventId,
      options.meta,
    ]);
    expect(events.map(([eventId]) => eventId)).toEqual([
      'model-create',
      'model-update',
      'model-version-create',
      'model-version-update',
      'model-alias-set',
      'model-alias-delete',
      'model-version-delete',
      'model-version-create',
      'model-delete',
    ]);
    expect(events[2][1]).toMatchObject({
      model: 'audited',
      sourceRunId: runId,
    });
    expect(events[4][1]).toMatchObject({ alias: 'champion', version: '1' });
    // Each success names what it wrote; the create from an unknown run failed.
    expect(await auditedIds(auditor)).toEqual([
      model.id,
      model.id,
      version.id,
      version.id,
      version.id,
      model.id,
      version.id,
      'failed',
      model.id,
    ]);
  });

  it('replays a create retried with the same Idempotency-Key', async () => {
    const { api, knex } = await setup();
    const headers = { 'Idempotency-Key': 'model-once' };
    const first = await api.post(base, { name: 'once' }, headers);
    const retry = await api.post(base, { name: 'once' }, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.data.id).toBe(first.body.data.id);

    const versionHeaders = { 'Idempotency-Key': 'version-once' };
    const v1 = await api.post(
      `${base}/once/versions`,
      { artifactUri: 's3://once/1' },
      versionHeaders,
    );
    const v1again = await api.post(
      `${base}/once/versions`,
      { artifactUri: 's3://once/1' },
      versionHeaders,
    );
    expect(v1.status).toBe(201);
    expect(v1again.status).toBe(201);
    expect(v1again.body.data).toMatchObject({
      id: v1.body.data.id,
      version: '1',
    });
    expect(await knex('versions')).toHaveLength(1);

    const raced = await Promise.all(
      [1, 2, 3].map(() =>
        api.post(
          `${base}/once/versions`,
          { artifactUri: 's3://once/2' },
          { 'Idempotency-Key': 'version-race' },
        ),
      ),
    );
    // A duplicate that arrives while the first is in flight is refused (409, retry later);
    // whatever got through created exactly one version, and a retry answers with it.
    const created = raced.filter(r => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(raced.every(r => r.status === 201 || r.status === 409)).toBe(true);
    expect(new Set(created.map(r => r.body.data.id)).size).toBe(1);
    expect(await knex('versions')).toHaveLength(2);
    const retried = await api.post(
      `${base}/once/versions`,
      { artifactUri: 's3://once/2' },
      { 'Idempotency-Key': 'version-race' },
    );
    expect(retried.status).toBe(201);
    expect(retried.body.data).toMatchObject({
      id: created[0].body.data.id,
      version: '2',
    });

    const reused = await api.post(
      `${base}/once/versions`,
      { artifactUri: 's3://once/other' },
      versionHeaders,
    );
    expect(reused.status).toBe(409);
    expect(await knex('versions')).toHaveLength(2);
  });
});
