import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { migrationsDir } from './migrate';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const tables = [
  'assets',
  'tags',
  'source_refs',
  'runs',
  'run_params',
  'run_tags',
  'run_latest_metrics',
  'metric_points',
  'versions',
  'aliases',
  'pipeline_runs',
  'lineage_edges',
  'idempotency_keys',
];

/** Names of the indexes on a table (`assets` unless told), on either engine. */
async function indexesOf(knex: Knex, table = 'assets'): Promise<string[]> {
  if (knex.client.config.client.includes('sqlite')) {
    const rows = await knex('sqlite_master')
      .where({ type: 'index', tbl_name: table })
      .select('name');
    return rows.map(r => r.name);
  }
  const rows = await knex('pg_indexes')
    .where({ tablename: table })
    .select('indexname');
  return rows.map(r => r.indexname);
}

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('migrate up, hold data, migrate down and up again', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    for (const table of tables)
      expect(await knex.schema.hasTable(table)).toBe(true);

    const now = Date.now();
    await knex('assets').insert({
      id: 'a1',
      kind: 'experiment',
      name: 'e',
      lifecycle: 'active',
      created_at: now,
      updated_at: now,
    });
    await knex('runs').insert({
      id: 'r1',
      experiment_id: 'a1',
      name: 'r',
      status: 'RUNNING',
      lifecycle: 'active',
      created_at: now,
      updated_at: now,
    });
    await knex('metric_points').insert({
      run_id: 'r1',
      key: 'loss',
      step: 1,
      timestamp: now,
      value: 0.5,
    });
    // The metric point identity: the same point twice is a conflict, not a duplicate.
    await expect(
      knex('metric_points').insert({
        run_id: 'r1',
        key: 'loss',
        step: 1,
        timestamp: now,
        value: 0.5,
      }),
    ).rejects.toMatchObject({
      // The constraint code, not the error class: better-sqlite3 keeps the Error class of the
      // first test file a Jest worker loaded it in, so `toThrow()` can miss it in later files.
      code: expect.stringMatching(/SQLITE_CONSTRAINT|23505/),
    });
    // Unique name per kind.
    await expect(
      knex('assets').insert({
        id: 'a2',
        kind: 'experiment',
        name: 'e',
        lifecycle: 'active',
        created_at: now,
        updated_at: now,
      }),
    ).rejects.toMatchObject({
      // The constraint code, not the error class: better-sqlite3 keeps the Error class of the
      // first test file a Jest worker loaded it in, so `toThrow()` can miss it in later files.
      code: expect.stringMatching(/SQLITE_CONSTRAINT|23505/),
    });
    expect((await knex('runs').where({ id: 'r1' }).first()).experiment_id).toBe(
      'a1',
    );

    // Step down one migration at a time: the metric blocks (whose filling is tested in
    // metricBlocks.test.ts), the pipeline run edge index, the owner-order indexes, the outbox,
    // the read model.
    expect(await knex.schema.hasTable('metric_blocks')).toBe(true);
    await knex.migrate.down({ directory: migrationsDir });
    expect(await knex.schema.hasTable('metric_blocks')).toBe(false);
    const edgeIndex = 'lineage_edges_from_type_idx';
    expect(await indexesOf(knex, 'lineage_edges')).toContain(edgeIndex);
    await knex.migrate.down({ directory: migrationsDir });
    expect(await indexesOf(knex, 'lineage_edges')).not.toContain(edgeIndex);
    const ownerIndexes = [
      'assets_kind_owner_created_idx',
      'assets_kind_owner_updated_idx',
    ];
    expect(await indexesOf(knex)).toEqual(expect.arrayContaining(ownerIndexes));
    expect(await indexesOf(knex)).not.toContain('assets_kind_owner_idx');
    await knex.migrate.down({ directory: migrationsDir });
    expect(await indexesOf(knex)).not.toEqual(
      expect.arrayContaining([ownerIndexes[0]]),
    );
    expect(await indexesOf(knex)).toContain('assets_kind_owner_idx');

    const outboxTables = ['outbox', 'sync_state'];
    for (const table of outboxTables)
      expect(await knex.schema.hasTable(table)).toBe(true);
    await knex.migrate.down({ directory: migrationsDir });
    for (const table of outboxTables)
      expect(await knex.schema.hasTable(table)).toBe(false);
    expect(await knex.schema.hasTable('runs')).toBe(true);
    await knex.migrate.down({ directory: migrationsDir });
    for (const table of tables)
      expect(await knex.schema.hasTable(table)).toBe(false);

    await knex.migrate.up({ directory: migrationsDir });
    await knex.migrate.up({ directory: migrationsDir });
    await knex.migrate.up({ directory: migrationsDir });
    await knex.migrate.up({ directory: migrationsDir });
    await knex.migrate.up({ directory: migrationsDir });
    expect(await knex.schema.hasTable('metric_blocks')).toBe(true);
    expect(await indexesOf(knex, 'lineage_edges')).toContain(edgeIndex);
    for (const table of [...tables, ...outboxTables])
      expect(await knex.schema.hasTable(table)).toBe(true);
    expect(await indexesOf(knex)).toEqual(expect.arrayContaining(ownerIndexes));
    expect(await knex('assets').count({ n: '*' })).toEqual([
      { n: expect.anything() },
    ]);
  });
});
