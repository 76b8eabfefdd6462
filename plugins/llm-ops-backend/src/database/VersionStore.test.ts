import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import { migrationsDir } from './migrate';
import { VersionStore } from './VersionStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('VersionStore on %s', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const assets = new AssetStore(knex);
    const versions = new VersionStore(knex);
    const asset = await assets.create('dataset', { name: 'd' });
    return { knex, assets, versions, asset };
  }

  /** What an endpoint does: lock, then insert, in one transaction. */
  const add = (
    knex: Knex,
    versions: VersionStore,
    assetId: string,
    version?: string,
  ) =>
    knex.transaction(async tx => {
      await versions.lockAsset(tx, assetId);
      return versions.insert(tx, assetId, {
        version: version ?? (await versions.nextNumber(tx, assetId)),
        spec: { uri: 's3://x' },
      });
    });

  afterEach(() => jest.restoreAllMocks());

  it('keeps registration order within one millisecond', async () => {
    const { knex, versions, asset } = await setup();
    jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    for (const label of ['a', 'b', 'c', 'd']) {
      await add(knex, versions, asset.id, label);
    }
    const page = await versions.list(asset.id, {});
    expect(page.items.map(v => v.version)).toEqual(['d', 'c', 'b', 'a']);
    expect(page.items.map(v => v.createdAt)).toEqual([
      1_700_000_000_003, 1_700_000_000_002, 1_700_000_000_001,
      1_700_000_000_000,
    ]);
    expect((await versions.latestOf(knex, [asset.id])).get(asset.id)).toBe('d');
  });

  it('numbers versions past every number handed out, deleted ones included', async () => {
    const { knex, versions, asset } = await setup();
    expect((await add(knex, versions, asset.id)).version).toBe('1');
    await add(knex, versions, asset.id, '007'); // not a canonical number
    await add(knex, versions, asset.id, '4');
    const five = await add(knex, versions, asset.id);
    expect(five.version).toBe('5');
    await knex.transaction(tx => versions.delete(tx, [five.id]));
    expect((await add(knex, versions, asset.id)).version).toBe('6');
    // A rolled-back registration hands out nothing.
    await expect(
      knex.transaction(async tx => {
        await versions.lockAsset(tx, asset.id);
        await versions.insert(tx, asset.id, {
          version: await versions.nextNumber(tx, asset.id),
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await add(knex, versions, asset.id)).version).toBe('7');
  });

  it('refuses a duplicate label with a ConflictError on version', async () => {
    const { knex, versions, asset } = await setup();
    await add(knex, versions, asset.id, 'v1');
    await expect(add(knex, versions, asset.id, 'v1')).rejects.toMatchObject({
      name: 'ConflictError',
      field: 'version',
    });
    expect(await knex('versions')).toHaveLength(1);
  });

  it('pages newest first and rejects a cursor of another asset', async () => {
    const { knex, assets, versions, asset } = await setup();
    const other = await assets.create('dataset', { name: 'other' });
    for (let i = 0; i < 5; i++) await add(knex, versions, asset.id);
    await add(knex, versions, other.id);
    const first = await versions.list(asset.id, { pageSize: 2 });
    expect(first.items.map(v => v.version)).toEqual(['5', '4']);
    const second = await versions.list(asset.id, {
      pageSize: 2,
      cursor: first.nextCursor!,
    });
    expect(second.items.map(v => v.version)).toEqual(['3', '2']);
    const last = await versions.list(asset.id, {
      pageSize: 2,
      cursor: second.nextCursor!,
    });
    expect(last.items.map(v => v.version)).toEqual(['1']);
    expect(last.nextCursor).toBeNull();
    await expect(
      versions.list(other.id, { cursor: first.nextCursor! }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'cursor' });
    const latest = await versions.latestOf(knex, [
      asset.id,
      other.id,
      randomUUID(),
    ]);
    expect(Object.fromEntries(latest)).toEqual({
      [asset.id]: '5',
      [other.id]: '1',
    });
    expect((await versions.latestOf(knex, [])).size).toBe(0);
  });

  it('deletes a version with its aliases, tags, sources and lineage', async () => {
    const { knex, versions, asset } = await setup();
    const doomed = await add(knex, versions, asset.id, 'v1');
    const kept = await add(knex, versions, asset.id, 'v2');
    const now = Date.now();
    await knex('aliases').insert({
      asset_id: asset.id,
      alias: 'a',
      version_id: doomed.id,
    });
    for (const v of [doomed, kept]) {
      await knex('tags').insert({ resource_id: v.id, key: 'k', value: 'v' });
      await knex('source_refs').insert({
        integration: 'dvc:main',
        resource_type: 'dataset-version',
        external_id: `repo/${v.version}`,
        resource_id: v.id,
        synced_at: now,
      });
      await knex('lineage_edges').insert([
        {
          from_type: 'run',
          from_id: randomUUID(),
          relation: 'used',
          to_type: 'dataset-version',
          to_id: v.id,
          created_at: now,
        },
        {
          from_type: 'dataset-version',
          from_id: v.id,
          relation: 'produced',
          to_type: 'model-version',
          to_id: randomUUID(),
          created_at: now,
        },
      ]);
    }
    const synced = await versions.find(knex, asset.id, 'v1');
    expect(synced!.source).toMatchObject({
      integration: 'dvc:main',
      externalId: 'repo/v1',
      syncedAt: now,
    });

    await knex.transaction(tx => versions.delete(tx, [doomed.id]));
    expect(await versions.find(knex, asset.id, 'v1')).toBeUndefined();
    expect(await knex('aliases')).toHaveLength(0);
    expect((await knex('tags')).map(t => t.resource_id)).toEqual([kept.id]);
    expect((await knex('source_refs')).map(t => t.resource_id)).toEqual([
      kept.id,
    ]);
    expect(await knex('lineage_edges')).toHaveLength(2);

    await knex.transaction(tx => versions.deleteAllOf(tx, asset.id));
    expect(await knex('versions')).toHaveLength(0);
    expect(await knex('tags')).toHaveLength(0);
    expect(await knex('source_refs')).toHaveLength(0);
    expect(await knex('lineage_edges')).toHaveLength(0);
  });

  it('reports an asset deleted meanwhile as not found', async () => {
    const { knex, versions } = await setup();
    await expect(
      knex.transaction(tx => versions.lockAsset(tx, randomUUID())),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
