import type { Knex } from 'knex';

// Child rows (tags, params, latest metrics, source refs) aggregated as JSON by a correlated
// subquery in the parent's own SELECT: a page of 50 assets is one statement instead of three,
// a page of runs two instead of six. On the benchmark (docs/benchmarks.md) each extra statement
// cost more backend CPU in knex and pg (building SQL, a socket write, parsing the answer) than
// PostgreSQL spent running it, and each took a pooled connection while 20 clients waited.
// PostgreSQL and SQLite both aggregate JSON; their functions differ only in name.

type Db = Knex | Knex.Transaction;

function isPostgres(db: Db): boolean {
  return (db.client as { dialect?: string }).dialect === 'postgresql';
}

/** `{key: value}` of the aggregated rows (SQL). */
export function jsonObjectAgg(db: Db, key: string, value: string): string {
  return isPostgres(db)
    ? `json_object_agg(${key}, ${value})`
    : `json_group_object(${key}, ${value})`;
}

/** `[expr, ...]` of the aggregated rows (SQL), in no particular order. */
export function jsonArrayAgg(db: Db, expr: string): string {
  return isPostgres(db) ? `json_agg(${expr})` : `json_group_array(${expr})`;
}

/** A JSON object built from `'name', expr` pairs (SQL). */
export function jsonObject(db: Db, pairs: Record<string, string>): string {
  const args = Object.entries(pairs)
    .map(([name, expr]) => `'${name}', ${expr}`)
    .join(', ');
  return isPostgres(db) ? `json_build_object(${args})` : `json_object(${args})`;
}

/**
 * The tags of the row whose id is `idColumn`, as the column `alias`: `{key: value}` or null
 * when it has none.
 */
export function tagsColumn(
  db: Db,
  idColumn: string,
  alias = 'embedded_tags',
): Knex.Raw {
  return db.raw(
    `(select ${jsonObjectAgg(
      db,
      't.key',
      't.value',
    )} from tags t where t.resource_id = ??) as ??`,
    [idColumn, alias],
  );
}

/**
 * The primary source ref (the first integration by name, as loadSources picks it) of the row
 * whose id is `idColumn`, as the column `alias`; null for a built-in resource.
 */
export function sourceColumn(
  db: Db,
  idColumn: string,
  alias = 'embedded_source',
): Knex.Raw {
  const source = jsonObject(db, {
    integration: 's.integration',
    externalId: 's.external_id',
    url: 's.url',
    syncedAt: 's.synced_at',
  });
  return db.raw(
    `(select ${source} from source_refs s where s.resource_id = ?? order by s.integration limit 1) as ??`,
    [idColumn, alias],
  );
}

/**
 * A JSON column's value: pg parses `json` results itself, SQLite returns text, and both return
 * null where the subquery found no rows.
 */
export function readJsonColumn<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
