import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@llm-ops/backstage-plugin-llm-ops-backend',
  'migrations',
);

/** The plugin's own database, migrated to the latest schema unless the deployment skips it. */
export async function openDatabase(database: DatabaseService): Promise<Knex> {
  const knex = await database.getClient();
  if (knex.client.config.client.includes('sqlite')) {
    // SQLite leaves foreign keys off by default; the schema relies on ON DELETE CASCADE.
    await knex.raw('PRAGMA foreign_keys = ON');
  }
  if (!database.migrations?.skip) {
    await knex.migrate.latest({ directory: migrationsDir });
  }
  return knex;
}

export { migrationsDir };
