import type { Knex } from 'knex';

/**
 * Rows per multi-row INSERT. knex writes one on SQLite as a compound SELECT, which SQLite caps at
 * 500 terms; PostgreSQL takes up to 65,535 parameters a statement, which 2,000 rows of up to 32
 * columns stay under.
 */
export function rowsPerInsert(db: Knex): number {
  return db.client.config.client === 'pg' ? 2000 : 400;
}
