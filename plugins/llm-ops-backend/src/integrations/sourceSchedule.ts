import type { Knex } from 'knex';
import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Integrations } from './Integrations';
import { RegistrySync } from './RegistrySync';
import { DatasetSync } from './DatasetSync';
import { withoutSql } from './refusals';

const taskId = (prefix: string, integration: string) =>
  `${prefix}-${integration.replace(/[^A-Za-z0-9-]/g, '-')}`;

/**
 * The background reads of read-only sources, independent of any tracking tool: each import-only
 * registry (the Hugging Face Hub) incrementally every `sync.sourcesFrequency` and in full on the
 * full-reconcile schedule, and each DVC repository every `sync.sourcesFrequency`. Through
 * Backstage's scheduler, so one replica runs each at a time; a failing source marks its own
 * integration degraded or down and leaves the others alone.
 */
export async function scheduleSourceSyncs(options: {
  db: Knex;
  integrations: Integrations;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<{ registry: RegistrySync; datasets: DatasetSync }> {
  const { db, integrations, scheduler, logger } = options;
  const settings = integrations.settings;
  const registry = new RegistrySync(db, integrations, logger);
  const datasets = new DatasetSync(db, logger);
  for (const source of integrations.registryImports()) {
    const id = source.connection.id;
    const run = (full: boolean) => async () => {
      await registry
        .sync({ full }, source)
        .catch(error =>
          logger.warn(`llm-ops import from ${id} failed: ${withoutSql(error)}`),
        );
    };
    await scheduler.scheduleTask({
      id: taskId('llm-ops-import', id),
      frequency: { milliseconds: settings.sourceSyncIntervalMs },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 2 },
      fn: run(false),
    });
    await scheduler.scheduleTask({
      id: taskId('llm-ops-full-import', id),
      frequency: { milliseconds: settings.fullReconcileIntervalMs },
      timeout: { minutes: 60 },
      initialDelay: { minutes: 1 },
      fn: run(true),
    });
  }
  for (const source of integrations.dataVersioning()) {
    const id = source.connection.id;
    await scheduler.scheduleTask({
      id: taskId('llm-ops-datasets', id),
      frequency: { milliseconds: settings.sourceSyncIntervalMs },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 2 },
      fn: async () => {
        await datasets
          .sync(source)
          .catch(error =>
            logger.warn(
              `llm-ops dataset sync ${id} failed: ${withoutSql(error)}`,
            ),
          );
      },
    });
  }
  return { registry, datasets };
}
