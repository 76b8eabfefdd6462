import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import { DatasetStore, MAX_SCHEMA_JSON } from './DatasetStore';
import { migrationsDir } from './migrate';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('DatasetStore on %s', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const datasets = new DatasetStore(knex, new AssetStore(knex));
    await datasets.create({ name: 'd' });
    return { knex, datasets };
  }

  it('checks every field of a new version, naming it', async () => {
    const { knex, datasets } = await setup();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ version: '.hidden' }, 'version'],
      [{ version: '' }, 'version'],
      [{ uri: '' }, 'uri'],
      [{ uri: 'x'.repeat(2049) }, 'uri'],
      [{ sizeBytes: -1 }, 'sizeBytes'],
      [{ sizeBytes: 0.5 }, 'sizeBytes'],
      [{ sizeBytes: Number.NaN }, 'sizeBytes'],
      [{ sizeBytes: '10' }, 'sizeBytes'],
      [{ fileCount: -1 }, 'fileCount'],
      [{ schema: ['a'] }, 'schema'],
      [{ schema: { big: 'x'.repeat(MAX_SCHEMA_JSON) } }, 'schema'],
      [
        { sourceRepository: { repository: ' ' } },
        'sourceRepository/repository',
      ],
    ];
    for (const [fields, field] of cases) {
      await expect(
        datasets.createVersion('d', { uri: 's3://x', ...fields } as any),
      ).rejects.toMatchObject({ name: 'InputError', field });
    }
    expect(await knex('versions')).toHaveLength(0);
  });

  it('stores the optional fields as null and reads them back', async () => {
    const { knex, datasets } = await setup();
    const v = await knex.transaction(tx =>
      datasets.createVersion(
        'd',
        { uri: 's3://x', sourceRepository: { repository: 'r' } },
        tx,
      ),
    );
    expect(v).toMatchObject({
      version: '1',
      datasetName: 'd',
      digest: null,
      sizeBytes: null,
      fileCount: null,
      format: null,
      schema: null,
      sourceRepository: { repository: 'r', path: null, revision: null },
    });
    expect(await datasets.getVersion('d', '1')).toEqual(v);
  });

  it('hands out default labels past explicit numbers, deleted ones included', async () => {
    const { knex, datasets } = await setup();
    const add = (version?: string) =>
      knex.transaction(tx =>
        datasets.createVersion('d', { uri: 's3://x', version }, tx),
      );
    expect((await add()).version).toBe('1');
    expect((await add('10')).version).toBe('10');
    await knex.transaction(tx => datasets.deleteVersion('d', '10', tx));
    expect((await add()).version).toBe('11');
    await expect(add('11')).rejects.toMatchObject({ name: 'ConflictError' });
    expect(
      (await datasets.listVersions('d', {})).items.map(v => v.version),
    ).toEqual(['11', '1']);
  });
});
