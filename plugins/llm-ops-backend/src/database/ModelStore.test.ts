import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import { migrationsDir } from './migrate';
import { ModelStore } from './ModelStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('ModelStore on %s', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const models = new ModelStore(knex, new AssetStore(knex));
    await models.create({ name: 'm' });
    return { knex, models };
  }

  it('checks what the API schema cannot, naming the field', async () => {
    const { knex, models } = await setup();
    await expect(
      models.createVersion('m', { artifactUri: '  ' }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'artifactUri' });
    await expect(
      models.createVersion('m', {
        artifactUri: 's3://x',
        status: 'DONE' as any,
      }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'status' });
    await expect(
      models.createVersion('m', {
        artifactUri: 's3://x',
        sourceRunId: 'not-a-run',
      }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'sourceRunId' });
    expect(await knex('versions')).toHaveLength(0);

    await knex.transaction(tx =>
      models.createVersion('m', { artifactUri: 's3://x' }, tx),
    );
    await expect(models.getVersion('m', '01')).rejects.toMatchObject({
      field: 'version',
    });
    await expect(models.getVersion('m', '2')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    for (const alias of ['latest', 'LATEST', 'Latest']) {
      await expect(models.setAlias('m', alias, '1')).rejects.toMatchObject({
        field: 'alias',
      });
      await expect(models.deleteAlias('m', alias)).rejects.toMatchObject({
        field: 'alias',
      });
    }
    await expect(models.setAlias('m', '_x', '1')).rejects.toMatchObject({
      field: 'alias',
    });
    await expect(models.getVersionByAlias('m', 'x y')).rejects.toMatchObject({
      field: 'alias',
    });
    await expect(models.setAlias('m', 'champion', '2')).rejects.toMatchObject({
      field: 'version',
    });
    expect(await knex('aliases')).toHaveLength(0);
  });

  it('resolves latest to the newest version, and to nothing without versions', async () => {
    const { knex, models } = await setup();
    await expect(models.getVersionByAlias('m', 'latest')).rejects.toMatchObject(
      {
        name: 'NotFoundError',
      },
    );
    for (let i = 0; i < 3; i++) {
      await knex.transaction(tx =>
        models.createVersion('m', { artifactUri: `s3://${i}` }, tx),
      );
    }
    expect((await models.getVersionByAlias('m', 'latest')).version).toBe('3');
    await knex.transaction(tx => models.deleteVersion('m', '3', tx));
    expect((await models.getVersionByAlias('m', 'latest')).version).toBe('2');
    expect((await models.get('m')).latestVersion).toBe('2');
  });

  it('numbers concurrent registrations in separate transactions without gaps or clashes', async () => {
    const { knex, models } = await setup();
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        knex.transaction(tx =>
          models.createVersion('m', { artifactUri: `s3://${i}` }, tx),
        ),
      ),
    );
    expect(created.map(v => Number(v.version)).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });

  it('keeps a version and its lineage out when the transaction fails', async () => {
    const { knex, models } = await setup();
    const now = Date.now();
    const experimentId = randomUUID();
    const runId = randomUUID();
    await knex('assets').insert({
      id: experimentId,
      kind: 'experiment',
      name: 'e',
      lifecycle: 'active',
      created_at: now,
      updated_at: now,
    });
    await knex('runs').insert({
      id: runId,
      experiment_id: experimentId,
      name: 'r',
      status: 'FINISHED',
      lifecycle: 'active',
      created_at: now,
      updated_at: now,
    });
    await expect(
      knex.transaction(async tx => {
        await models.createVersion(
          'm',
          { artifactUri: 's3://x', sourceRunId: runId, tags: { a: 'b' } },
          tx,
        );
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(await knex('versions')).toHaveLength(0);
    expect(await knex('lineage_edges')).toHaveLength(0);
    expect(await knex('tags')).toHaveLength(0);
    const v = await knex.transaction(tx =>
      models.createVersion(
        'm',
        { artifactUri: 's3://x', sourceRunId: runId },
        tx,
      ),
    );
    expect(v).toMatchObject({
      version: '1',
      sourceRunId: runId,
      status: 'READY',
      aliases: [],
    });
  });
});
