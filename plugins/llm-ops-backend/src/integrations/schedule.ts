import type { Knex } from 'knex';
import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { AssetStore } from '../database/AssetStore';
import { RunStore } from '../database/RunStore';
import { OutboxStore } from '../database/OutboxStore';
import type { Integrations } from './Integrations';
import { OutboxRelay } from './OutboxRelay';
import { TrackingSync } from './TrackingSync';
import { RegistrySync } from './RegistrySync';

/**
 * The background work of an active tracking tool, through Backstage's scheduler so that one
 * replica runs each task at a time: the outbox relay, the incremental sync and the full
 * reconcile. Nothing is scheduled without a tool.
 */
export async function scheduleIntegrationTasks(options: {
  db: Knex;
  integrations: Integrations;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<
  { relay: OutboxRelay; sync: TrackingSync; registry: RegistrySync } | undefined
> {
  const { db, integrations, scheduler, logger } = options;
  const tool = integrations.tracking();
  if (!tool) return undefined;
  const assets = new AssetStore(db);
  const relay = new OutboxRelay(
    db,
    assets,
    new RunStore(db, assets),
    new OutboxStore(db),
    integrations,
    logger,
  );
  const settings = integrations.settings;
  const sync = new TrackingSync(db, integrations, logger, {
    runningRunsWindowMs: settings.runningRunsWindowMs,
  });
  const registry = new RegistrySync(db, integrations, logger);
  const id = tool.connection.id.replace(/[^A-Za-z0-9-]/g, '-');
  await scheduler.scheduleTask({
    id: `llm-ops-outbox-relay-${id}`,
    frequency: { milliseconds: settings.outboxIntervalMs },
    timeout: { minutes: 10 },
    fn: async () => {
      await relay.relay();
    },
  });
  await scheduler.scheduleTask({
    id: `llm-ops-sync-${id}`,
    frequency: { milliseconds: settings.syncIntervalMs },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 1 },
    fn: async () => {
      await sync.incremental();
      // After the runs, so a version's source run is known when its lineage is written.
      await registry
        .sync({ full: false })
        .catch(error => logger.warn(`llm-ops registry sync failed: ${error}`));
    },
  });
  await scheduler.scheduleTask({
    id: `llm-ops-full-sync-${id}`,
    frequency: { milliseconds: settings.fullReconcileIntervalMs },
    timeout: { minutes: 30 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      await sync.fullReconcile();
      await registry
        .sync({ full: true })
        .catch(error => logger.warn(`llm-ops registry sync failed: ${error}`));
    },
  });
  logger.info(`llm-ops syncing from ${tool.connection.id}`);
  return { relay, sync, registry };
}
