import { randomUUID } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import {
  specCheckedClient,
  type SpecCheckedClient,
} from '../../__testUtils__/specCheckedClient';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/llm-ops/v1/datasets';

async function addVersion(
  api: SpecCheckedClient,
  dataset: string,
  body: Record<string, unknown> = {},
) {
  const res = await api.post(`${base}/${dataset}/versions`, {
    uri: `s3://data/${dataset}/${randomUUID()}`,
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body.data;
}

describe.each(databases.eachSupportedId())('datasets API on %s', databaseId => {
  async function setup(options: { deny?: boolean } = {}) {
    const knex = await databases.init(databaseId);
    const auditor = mockServices.auditor.mock();
    const server = await startLlmOpsBackend({ knex, auditor, ...options });
    return { api: specCheckedClient(server), knex, auditor, server };
  }

  it('creates a dataset and versions with labels and default numbers', async () => {
    const { api } = await setup();
    const created = await api.post(base, {
      name: 'support-tickets',
      description: 'Labelled support tickets',
      owner: 'group:default/nlp',
      tags: { domain: 'support' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'support-tickets',
      owner: 'group:default/nlp',
      tags: { domain: 'support' },
      lifecycle: 'active',
      latestVersion: null,
      source: { integration: 'builtin', externalId: null },
    });
    const { id } = created.body.data;

    const labelled = await addVersion(api, 'support-tickets', {
      version: '2024-06',
      uri: 's3://data/tickets/2024-06',
    });
    expect(labelled).toMatchObject({
      datasetId: id,
      datasetName: 'support-tickets',
      version: '2024-06',
      uri: 's3://data/tickets/2024-06',
      description: null,
      digest: null,
      sizeBytes: null,
      fileCount: null,
      format: null,
      schema: null,
      sourceRepository: null,
      tags: {},
    });
    // Without a label: the next unused integer, counting explicit integer labels too.
    expect((await addVersion(api, id)).version).toBe('1');
    expect((await addVersion(api, id)).version).toBe('2');
    expect((await addVersion(api, id, { version: '5' })).version).toBe('5');
    expect((await addVersion(api, id, { version: 'v1.2_rc-1' })).version).toBe(
      'v1.2_rc-1',
    );
    expect((await addVersion(api, id)).version).toBe('6');

    const dataset = await api.get(`${base}/support-tickets`);
    expect(dataset.body.data).toMatchObject({ id, latestVersion: '6' });
    const versions = await api.get(`${base}/${id}/versions`);
    expect(versions.body.data.items.map((v: any) => v.version)).toEqual([
      '6',
      'v1.2_rc-1',
      '5',
      '2',
      '1',
      '2024-06',
    ]);
    expect(versions.body.data.freshness).toEqual({
      stale: false,
      degradedIntegrations: [],
    });
    const one = await api.get(`${base}/support-tickets/versions/2024-06`);
    expect(one.body.data).toMatchObject({
      id: labelled.id,
      version: '2024-06',
    });

    const renamed = await api.patch(`${base}/${id}`, {
      name: 'tickets',
      description: null,
      tags: { domain: '', pii: 'no' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({
      name: 'tickets',
      description: null,
      tags: { pii: 'no' },
      latestVersion: '6',
    });
    const list = await api.get(`${base}?tag=pii=no`);
    expect(list.body.data.items.map((d: any) => d.name)).toEqual(['tickets']);
    expect(list.body.data.items[0].latestVersion).toBe('6');
  });

  it('round-trips the digest, size, format, schema and source repository', async () => {
    const { api } = await setup();
    await api.post(base, { name: 'wiki' });
    const schema = {
      id: 'int64',
      text: 'string',
      meta: { lang: 'string', tokens: 'int32' },
    };
    const sourceRepository = {
      repository: 'https://github.com/acme/datasets.git',
      path: 'data/wiki.dvc',
      revision: '3f2a9c1',
    };
    const created = await addVersion(api, 'wiki', {
      version: 'v1',
      description: 'First crawl',
      uri: 's3://data/wiki/v1/',
      digest: 'md5:9f2b0e5c1d3a4b6c7d8e9f0a1b2c3d4e.dir',
      sizeBytes: 12_884_901_888,
      fileCount: 128,
      format: 'parquet',
      schema,
      sourceRepository,
      tags: { license: 'cc-by-sa' },
    });
    const expected = {
      version: 'v1',
      description: 'First crawl',
      uri: 's3://data/wiki/v1/',
      digest: 'md5:9f2b0e5c1d3a4b6c7d8e9f0a1b2c3d4e.dir',
      sizeBytes: 12_884_901_888,
      fileCount: 128,
      format: 'parquet',
      schema,
      sourceRepository,
      tags: { license: 'cc-by-sa' },
    };
    expect(created).toMatchObject(expected);
    const read = await api.get(`${base}/wiki/versions/v1`);
    expect(read.body.data).toMatchObject(expected);
    expect(read.body.data.schema).toEqual(schema);

    const partial = await addVersion(api, 'wiki', {
      sizeBytes: 0,
      sourceRepository: { repository: 'git@github.com:acme/data.git' },
    });
    expect(partial).toMatchObject({
      sizeBytes: 0,
      sourceRepository: {
        repository: 'git@github.com:acme/data.git',
        path: null,
        revision: null,
      },
    });
  });

  it('answers 409 on a duplicate label or name and writes nothing', async () => {
    const { api, knex } = await setup();
    await api.post(base, { name: 'dup' });
    await api.post(base, { name: 'other' });
    await addVersion(api, 'dup', { version: 'v1', uri: 's3://first' });
    const again = await api.post(`${base}/dup/versions`, {
      version: 'v1',
      uri: 's3://second',
      tags: { x: 'y' },
    });
    expect(again.status).toBe(409);
    expect(again.body.data.error).toMatchObject({
      name: 'ConflictError',
      field: 'version',
    });
    expect((await api.get(`${base}/dup/versions/v1`)).body.data.uri).toBe(
      's3://first',
    );
    expect(await knex('versions')).toHaveLength(1);
    expect(await knex('tags')).toHaveLength(0);
    // The same label in another dataset is fine.
    await addVersion(api, 'other', { version: 'v1' });

    expect((await api.post(base, { name: 'dup' })).status).toBe(409);
    expect((await api.patch(`${base}/other`, { name: 'dup' })).status).toBe(
      409,
    );
  });

  it('pages through versions newest first with a cursor', async () => {
    const { api } = await setup();
    await api.post(base, { name: 'paged' });
    for (let i = 1; i <= 5; i++) {
      await addVersion(api, 'paged', { version: `r${i}` });
    }
    const seen: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(
        `${base}/paged/versions?pageSize=2${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      expect(page.status).toBe(200);
      seen.push(page.body.data.items.map((v: any) => v.version));
      cursor = page.body.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual([['r5', 'r4'], ['r3', 'r2'], ['r1']]);

    const bad = await api.get(`${base}/paged/versions?cursor=xyz`);
    expect(bad.status).toBe(400);
    expect(bad.body.data.error.field).toBe('cursor');
    expect((await api.get(`${base}/paged/versions?pageSize=0`)).status).toBe(
      400,
    );

    for (const name of ['a-set', 'b-set', 'c-set']) {
      await api.post(base, { name });
    }
    const first = await api.get(`${base}?pageSize=2&orderBy=name`);
    expect(first.body.data.items.map((d: any) => d.name)).toEqual([
      'a-set',
      'b-set',
    ]);
    const second = await api.get(
      `${base}?pageSize=2&orderBy=name&cursor=${encodeURIComponent(
        first.body.data.nextCursor,
      )}`,
    );
    expect(second.body.data.items.map((d: any) => d.name)).toEqual([
      'c-set',
      'paged',
    ]);
    expect(second.body.data.nextCursor).toBeNull();
  });

  it('answers 404 for unknown datasets and versions', async () => {
    const { api } = await setup();
    await api.post(base, { name: 'known' });
    for (const res of [
      await api.get(`${base}/nope`),
      await api.patch(`${base}/nope`, { description: 'x' }),
      await api.delete(`${base}/nope`),
      await api.get(`${base}/nope/versions`),
      await api.post(`${base}/nope/versions`, { uri: 's3://x' }),
      await api.get(`${base}/known/versions/v9`),
      await api.delete(`${base}/known/versions/v9`),
      await api.get(`${base}/${randomUUID()}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.data.error.name).toBe('NotFoundError');
    }
  });

  it('answers 400 naming the field for bad labels, sizes and bodies, and writes nothing', async () => {
    const { api, knex } = await setup();
    await api.post(base, { name: 'strict' });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ version: '-leading-dash', uri: 's3://x' }, /version/],
      [{ version: 'has space', uri: 's3://x' }, /version/],
      [{ version: 'a/b', uri: 's3://x' }, /version/],
      [{ version: `v${'1'.repeat(128)}`, uri: 's3://x' }, /version/],
      [{ uri: 's3://x', sizeBytes: -1 }, /sizeBytes/],
      [{ uri: 's3://x', sizeBytes: 1.5 }, /sizeBytes/],
      [{ uri: 's3://x', fileCount: -3 }, /fileCount/],
      [{ uri: 's3://x', schema: ['id'] }, /schema/],
      [{ uri: 's3://x', format: 'par quet' }, /format/],
      [
        { uri: 's3://x', sourceRepository: { path: 'a.dvc' } },
        /sourceRepository/,
      ],
      [
        { uri: 's3://x', sourceRepository: { repository: 'r', branch: 'x' } },
        /sourceRepository/,
      ],
      [{ uri: '' }, /uri/],
      [{ uri: 's3://x', tags: { ['k'.repeat(251)]: 'v' } }, /tags/],
    ];
    for (const [body, field] of cases) {
      const res = await api.post(`${base}/strict/versions`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.status).toBe('error');
      expect(res.body.data.error.field).toMatch(field);
    }
    const extra = await api.post(`${base}/strict/versions`, {
      uri: 's3://x',
      color: 'red',
    });
    expect(extra.status).toBe(400);
    expect(extra.body.status).toBe('error');
    const missing = await api.post(`${base}/strict/versions`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/uri/);
    expect((await api.post(base, { description: 'no name' })).status).toBe(400);
    expect(
      (await api.patch(`${base}/strict`, { lifecycle: 'deleted' })).status,
    ).toBe(400);
    expect(await knex('versions')).toHaveLength(0);
    expect(
      (await api.get(`${base}/strict`)).body.data.latestVersion,
    ).toBeNull();
  });

  it('deletes versions and hard-deletes datasets with their versions, tags and lineage', async () => {
    const { api, knex } = await setup();
    const created = await api.post(base, {
      name: 'doomed',
      tags: { a: 'b' },
    });
    const { id } = created.body.data;
    const v1 = await addVersion(api, 'doomed', {
      version: 'v1',
      tags: { t: '1' },
    });
    const v2 = await addVersion(api, 'doomed', { version: 'v2' });
    await api.post(base, { name: 'kept' });
    await addVersion(api, 'kept', { version: 'v1' });
    // A run read v1 (as the runs API records it).
    await knex('lineage_edges').insert({
      from_type: 'run',
      from_id: randomUUID(),
      relation: 'used',
      to_type: 'dataset-version',
      to_id: v1.id,
      created_at: Date.now(),
    });

    const removed = await api.delete(`${base}/doomed/versions/v2`);
    expect(removed.status).toBe(200);
    expect(removed.body.data).toEqual({ id: v2.id });
    expect((await api.get(`${base}/doomed/versions/v2`)).status).toBe(404);
    expect((await api.get(`${base}/doomed`)).body.data.latestVersion).toBe(
      'v1',
    );

    const deleted = await api.delete(`${base}/doomed`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id });
    expect((await api.get(`${base}/doomed`)).status).toBe(404);
    expect(await knex('assets').where({ id })).toHaveLength(0);
    expect(await knex('versions').where({ asset_id: id })).toHaveLength(0);
    expect(await knex('tags').whereIn('resource_id', [id, v1.id])).toHaveLength(
      0,
    );
    expect(await knex('lineage_edges')).toHaveLength(0);
    expect(
      (await api.get(`${base}/kept/versions`)).body.data.items,
    ).toHaveLength(1);
    expect((await api.post(base, { name: 'doomed' })).status).toBe(201);
  });

  it('answers 403 to a denied user and changes nothing', async () => {
    const { api, knex } = await setup();
    await api.post(base, { name: 'kept' });
    await addVersion(api, 'kept', { version: 'v1' });
    const denied = specCheckedClient(
      await startLlmOpsBackend({ knex, deny: true }),
    );
    for (const res of [
      await denied.get(base),
      await denied.post(base, { name: 'sneaky' }),
      await denied.get(`${base}/kept`),
      await denied.patch(`${base}/kept`, { name: 'renamed' }),
      await denied.delete(`${base}/kept`),
      await denied.get(`${base}/kept/versions`),
      await denied.post(`${base}/kept/versions`, { uri: 's3://x' }),
      await denied.get(`${base}/kept/versions/v1`),
      await denied.delete(`${base}/kept/versions/v1`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.data.error.name).toBe('NotAllowedError');
    }
    const list = await api.get(base);
    expect(list.body.data.items.map((d: any) => d.name)).toEqual(['kept']);
    expect(await knex('versions')).toHaveLength(1);
  });

  it('audits every mutation and replays idempotent creates', async () => {
    const { api, auditor, knex } = await setup();
    const headers = { 'Idempotency-Key': 'dataset-once' };
    const first = await api.post(base, { name: 'once' }, headers);
    const retry = await api.post(base, { name: 'once' }, headers);
    expect(retry.status).toBe(201);
    expect(retry.body.data.id).toBe(first.body.data.id);

    const versionHeaders = { 'Idempotency-Key': 'dataset-version-once' };
    const v = await api.post(
      `${base}/once/versions`,
      { uri: 's3://once' },
      versionHeaders,
    );
    const vAgain = await api.post(
      `${base}/once/versions`,
      { uri: 's3://once' },
      versionHeaders,
    );
    expect(vAgain.status).toBe(201);
    expect(vAgain.body.data).toMatchObject({
      id: v.body.data.id,
      version: '1',
    });
    expect(await knex('versions')).toHaveLength(1);

    await api.patch(`${base}/once`, { description: 'x' });
    await api.delete(`${base}/once/versions/1`);
    await api.delete(`${base}/once`);
    expect(
      auditor.createEvent.mock.calls.map(([options]) => options.eventId),
    ).toEqual([
      'dataset-create',
      'dataset-version-create',
      'dataset-update',
      'dataset-version-delete',
      'dataset-delete',
    ]);
  });
});
