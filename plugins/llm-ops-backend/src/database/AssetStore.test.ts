import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import { migrationsDir } from './migrate';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const TRIGRAM_INDEX = 'assets_name_trgm_idx';

const names = [
  'llama3-summarization-lora-00042',
  'bert-summarization-sweep-00001',
  'T5-Summarization-eval-00002',
  'whisper-asr-baseline-00420',
  'clip_retrieval-100%-00003',
  'resnet50-segmentation-a\\b-00004',
  'xgboost-churn-distill-10042',
];

async function seedExperiments(assets: AssetStore) {
  for (const name of names) await assets.create('experiment', { name });
  await assets.create('dataset', { name: 'summarization-dataset' });
}

const searches = [
  'summarization',
  'SUMMARIZATION',
  '0042',
  '42',
  'a',
  '100%',
  '%',
  '_',
  'a\\b',
  'sweep-0000',
  'no-such-name',
];

async function namesFor(assets: AssetStore, q: string) {
  return (await assets.list('experiment', { q, pageSize: 100 })).items.map(
    a => a.name,
  );
}

function expectedNames(q: string) {
  return names.filter(n => n.toLowerCase().includes(q.toLowerCase())).sort();
}

/** A second client on the same database; `setup` runs on each of its connections. */
function clientOf(knex: Knex, setup: string): Knex {
  return knexFactory({
    client: knex.client.config.client,
    connection: knex.client.config.connection,
    pool: {
      min: 0,
      max: 1,
      afterCreate: (
        connection: { query: (sql: string, cb: (e?: Error) => void) => void },
        done: (error: Error | undefined, connection: unknown) => void,
      ) => connection.query(setup, error => done(error, connection)),
    },
  });
}

describe.each(databases.eachSupportedId())(
  'AssetStore name search on %s',
  databaseId => {
    it('finds names containing q, case-insensitively, with LIKE characters as text', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const assets = new AssetStore(knex);
      await seedExperiments(assets);
      for (const q of searches) {
        expect([q, await namesFor(assets, q)]).toEqual([q, expectedNames(q)]);
      }
    });
  },
);

describe.each(databases.eachSupportedId())(
  'AssetStore.idsOf on %s',
  databaseId => {
    it('resolves ids and names of one kind in the given order, like get, in one statement', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const assets = new AssetStore(knex);
      const a = await assets.create('experiment', { name: 'exp-a' });
      const b = await assets.create('experiment', { name: 'exp-b' });
      const dataset = await assets.create('dataset', { name: 'exp-c' });

      const statements: string[] = [];
      const record = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', record);
      const ids = await assets.idsOf('experiment', ['exp-b', a.id, b.id]);
      knex.off('query', record);

      expect(ids).toEqual([b.id, a.id, b.id]);
      expect(statements).toHaveLength(1);
      for (const idOrName of ['exp-b', a.id]) {
        expect((await assets.get('experiment', idOrName)).id).toBe(
          ids[idOrName === a.id ? 1 : 0],
        );
      }
      // Another kind's asset is not found, by name or by id; the error names the first missing.
      await expect(
        assets.idsOf('experiment', ['exp-a', 'exp-c', dataset.id]),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: "No experiment with id or name 'exp-c'",
      });
      await expect(
        assets.idsOf('experiment', [dataset.id]),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(await assets.idsOf('experiment', [])).toEqual([]);
    });
  },
);

describe.each(
  databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
)('the name trigram index on %s', databaseId => {
  it('is created by the migration, used by q, same results as without it, dropped by down', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const index = await knex('pg_indexes')
      .where({ indexname: TRIGRAM_INDEX })
      .first('indexdef');
    expect(index?.indexdef).toMatch(
      /USING gin \(lower\(\(name\)::text\) (public\.)?gin_trgm_ops\)/,
    );
    const assets = new AssetStore(knex);
    await seedExperiments(assets);

    // Forced onto the index (the table is tiny): the same names as the default plan.
    const indexed = clientOf(knex, 'set enable_seqscan = off');
    try {
      const plan = await indexed.raw(
        `explain select id from assets where lower(assets.name) like ? escape '\\'`,
        ['%summarization%'],
      );
      expect(plan.rows.map((r: any) => r['QUERY PLAN']).join('\n')).toContain(
        TRIGRAM_INDEX,
      );
      const viaIndex = new AssetStore(indexed);
      for (const q of searches) {
        expect([q, await namesFor(viaIndex, q)]).toEqual([
          q,
          await namesFor(assets, q),
        ]);
      }
    } finally {
      await indexed.destroy();
    }

    await knex.migrate.rollback({ directory: migrationsDir }, true);
    expect(
      await knex('pg_indexes').where({ indexname: TRIGRAM_INDEX }),
    ).toHaveLength(0);
  });

  it('is skipped, and the migration succeeds, when pg_trgm cannot be created', async () => {
    const knex = await databases.init(databaseId);
    await knex.raw('drop extension if exists pg_trgm');
    // A role that may create tables but not extensions (no CREATE on the database).
    const role = `llm_ops_noext_${randomBytes(6).toString('hex')}`;
    await knex.raw(`create role ${role} nologin`);
    await knex.raw(`grant usage, create on schema public to ${role}`);
    const limited = clientOf(knex, `set role ${role}`);
    try {
      await limited.migrate.latest({ directory: migrationsDir });
      expect(
        await knex('pg_extension').where({ extname: 'pg_trgm' }),
      ).toHaveLength(0);
      expect(
        await knex('pg_indexes').where({ indexname: TRIGRAM_INDEX }),
      ).toHaveLength(0);
      const assets = new AssetStore(limited);
      await seedExperiments(assets);
      expect(await namesFor(assets, 'summarization')).toEqual(
        expectedNames('summarization'),
      );
      await limited.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('assets')).toBe(false);
    } finally {
      await limited.destroy();
      await knex.raw(`drop owned by ${role}`);
      await knex.raw(`drop role ${role}`);
    }
  });
});
