import { Knex } from 'knex';
import { INDEXED_VALUE_PREFIX } from '../filterCompiler';

/** A run of the test data set, in a shape that plain JS predicates can check. */
export type FixtureRun = {
  id: string;
  experiment_id: string;
  name: string | null;
  status: string;
  start_time: number | null;
  end_time: number | null;
  deleted: boolean;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
};

const pad = (i: number) => String(i).padStart(2, '0');
const statuses = [
  'FINISHED',
  'FAILED',
  'RUNNING',
  'FINISHED',
  'KILLED',
  'SCHEDULED',
];

/**
 * 36 runs with deliberate ties (accuracy, start_time), missing keys (NULLs when ordering),
 * case variants ('nlp'/'NLP', 'adam'/'Adam'), LIKE/GLOB metacharacters and an injection-looking
 * param value. run-36 is soft-deleted.
 */
export function buildFixtureRuns(): FixtureRun[] {
  return Array.from({ length: 36 }, (_, n) => {
    const i = n + 1;
    const status = statuses[i % statuses.length];
    const start = i % 8 === 0 ? null : 1_700_000_000_000 + (i % 6) * 1000;
    const metrics: Record<string, number> = {};
    if (i % 4 !== 0) metrics.accuracy = [0.5, 0.7, 0.9, 0.95, 0.7][i % 5];
    if (i % 3 !== 0) metrics.loss = i / 10;
    if (i % 2 === 0) metrics['val loss'] = 1 / i;
    const params: Record<string, string> = {
      optimizer: ['adam', 'sgd', 'Adam'][i % 3],
    };
    if (i % 5 !== 0) params.lr = ['0.001', '0.003', '0.010'][i % 3];
    if (i % 6 === 0) params['lr.base'] = '0.1';
    if (i === 13) params.lr = "1' OR 1=1 --";
    const tags: Record<string, string> = {};
    if (i % 7 !== 0) tags.team = ['nlp', 'vision', 'NLP', 'nl_p'][i % 4];
    if (i < 10) tags['owner-name'] = 'ann';
    const notes: Record<number, string> = {
      14: '100%',
      15: '1000',
      16: 'a*b',
      17: 'axb',
      18: 'a[b]',
    };
    if (notes[i]) tags.note = notes[i];
    return {
      id: `run-${pad(i)}`,
      experiment_id: i % 2 ? 'exp-a' : 'exp-b',
      name: i % 9 === 0 ? null : `train-${pad(i)}`,
      status,
      start_time: start,
      end_time: start === null || status === 'RUNNING' ? null : start + i * 10,
      deleted: i === 36,
      metrics,
      params,
      tags,
    };
  });
}

/**
 * Creates the four run tables with the columns and search indexes of the init migration
 * (without its foreign keys to assets, so fixtures need no experiments).
 */
export async function createRunTables(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('runs', t => {
    t.string('id', 36).primary();
    t.string('experiment_id', 36).notNullable();
    t.string('name').nullable();
    t.string('status').notNullable();
    t.bigInteger('start_time').nullable();
    t.bigInteger('end_time').nullable();
    t.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
    t.timestamp('deleted_at').nullable();
  });
  for (const table of ['run_params', 'run_tags']) {
    await knex.schema.createTable(table, t => {
      t.string('run_id', 36).notNullable();
      t.string('experiment_id', 36).notNullable();
      t.string('key').notNullable();
      t.string('value', 6000).notNullable();
      t.primary(['run_id', 'key']);
      if (!pg) t.index(['experiment_id', 'key', 'run_id']);
    });
    if (pg) {
      await knex.raw(
        `create index on ${table} (experiment_id, key, left(value, ${INDEXED_VALUE_PREFIX}), run_id)`,
      );
    }
  }
  await knex.schema.createTable('run_latest_metrics', t => {
    t.string('run_id', 36).notNullable();
    t.string('experiment_id', 36).notNullable();
    t.string('key').notNullable();
    t.double('value').notNullable();
    t.bigInteger('step').notNullable();
    t.bigInteger('timestamp').notNullable();
    t.primary(['run_id', 'key']);
    t.index(['experiment_id', 'key', 'value', 'run_id']);
  });
}

export async function insertFixtureRuns(
  knex: Knex,
  runs: FixtureRun[],
): Promise<void> {
  await knex('runs').insert(
    runs.map(r => ({
      id: r.id,
      experiment_id: r.experiment_id,
      name: r.name,
      status: r.status,
      start_time: r.start_time,
      end_time: r.end_time,
      deleted_at: r.deleted ? new Date('2024-01-01T00:00:00Z') : null,
    })),
  );
  const kv = (pick: (r: FixtureRun) => Record<string, string | number>) =>
    runs.flatMap(r =>
      Object.entries(pick(r)).map(([key, value]) => ({
        run_id: r.id,
        experiment_id: r.experiment_id,
        key,
        value,
      })),
    );
  await knex('run_params').insert(kv(r => r.params));
  await knex('run_tags').insert(kv(r => r.tags));
  await knex('run_latest_metrics').insert(
    kv(r => r.metrics).map(row => ({ ...row, step: 10, timestamp: 1 })),
  );
}

/** Creates the tables and loads the fixture into a fresh test database. */
export async function setUpFixtureDatabase(knex: Knex): Promise<FixtureRun[]> {
  const runs = buildFixtureRuns();
  await createRunTables(knex);
  await insertFixtureRuns(knex, runs);
  return runs;
}

/**
 * Reference ordering for assertions: NULLs last in both directions, ties by id ascending.
 * Only used with ASCII values whose JS order equals the databases' order.
 */
export function sortRuns<T extends { id: string }>(
  rows: T[],
  keys: {
    value: (row: T) => number | string | null | undefined;
    direction: 'asc' | 'desc';
  }[],
): T[] {
  return [...rows].sort((a, b) => {
    for (const { value, direction } of keys) {
      const [x, y] = [value(a) ?? null, value(b) ?? null];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const sign = x < y ? -1 : 1;
      return direction === 'asc' ? sign : -sign;
    }
    if (a.id === b.id) return 0;
    return a.id < b.id ? -1 : 1;
  });
}
