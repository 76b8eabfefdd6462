import type { Knex } from 'knex';
import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { LlmOpsAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import { AssetStore } from '../database/AssetStore';
import { EndpointStore } from '../database/EndpointStore';
import { OutboxStore } from '../database/OutboxStore';
import { PipelineRunStore } from '../database/PipelineRunStore';
import { PipelineStore } from '../database/PipelineStore';
import type { ClusterTool, Integrations } from './Integrations';
import { ClusterOutboxRelay } from './ClusterOutbox';
import { ServingWriter, type ServingTool } from './ServingWriter';
import {
  OrchestrationWriter,
  type OrchestrationTool,
} from './OrchestrationWriter';
import { ServingWatch } from './ServingWatch';
import { OrchestrationWatch } from './OrchestrationWatch';

/** The id of a scheduled task of a cluster integration. */
export const clusterTaskId = (
  kind: 'relay' | 'health' | 'poll',
  integration: string,
) => `llm-ops-cluster-${kind}-${integration.replace(/[^A-Za-z0-9-]/g, '-')}`;

/**
 * Is the cluster there? The adapter's health check, through the tool's connection so that the
 * circuit breaker and the integration's status agree with what writes see: down (no answer, 5xx)
 * is a failure; degraded (a 4xx: credentials, RBAC, CRDs missing) marks the integration down
 * without counting against the breaker.
 */
export async function checkClusterHealth(
  tool: ClusterTool<LlmOpsAdapter>,
): Promise<void> {
  const health = await tool.adapter.checkHealth().catch(error => ({
    state: 'down' as const,
    lastError: String((error as Error)?.message ?? error),
  }));
  if (health.state === 'degraded') {
    tool.connection.tracker.recordFailure(
      new Error(health.lastError ?? `${tool.adapter.id} is degraded`),
    );
    return;
  }
  await tool.connection
    .call(async () => {
      if (health.state === 'down') {
        throw new Error(health.lastError ?? `${tool.adapter.id} is down`);
      }
    })
    .catch(() => {});
}

/**
 * The background work of the serving and orchestration integrations, per cluster: an outbox
 * relay through Backstage's scheduler (one replica at a time), a health check on every replica
 * (each keeps its own integration status), the watches of the adapters that can watch, which
 * every replica runs until `stop` (the writes they make are idempotent), and a scheduled poll of
 * those that cannot. Nothing runs without such adapters.
 */
export async function startClusterIntegrations(options: {
  db: Knex;
  integrations: Integrations;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<{
  relays: ClusterOutboxRelay[];
  stop: () => Promise<void>;
}> {
  const { db, integrations, scheduler, logger } = options;
  const assets = new AssetStore(db);
  const endpoints = new EndpointStore(db, assets);
  const pipelines = new PipelineStore(db, assets);
  const runs = new PipelineRunStore(db);
  const outbox = new OutboxStore(db);
  const serving = new ServingWriter(db, endpoints, outbox, integrations);
  const orchestration = new OrchestrationWriter(
    db,
    pipelines,
    runs,
    outbox,
    integrations,
  );
  const settings = integrations.settings;
  const relays: ClusterOutboxRelay[] = [];
  const tools: Array<[ClusterTool<LlmOpsAdapter>, ClusterOutboxRelay]> = [
    ...integrations
      .servingTools()
      .map(
        tool =>
          [
            tool,
            new ClusterOutboxRelay(
              db,
              outbox,
              tool,
              entry => serving.replay(tool as ServingTool, entry),
              logger,
            ),
          ] as [ClusterTool<LlmOpsAdapter>, ClusterOutboxRelay],
      ),
    ...integrations
      .orchestrationTools()
      .map(
        tool =>
          [
            tool,
            new ClusterOutboxRelay(
              db,
              outbox,
              tool,
              entry => orchestration.replay(tool as OrchestrationTool, entry),
              logger,
            ),
          ] as [ClusterTool<LlmOpsAdapter>, ClusterOutboxRelay],
      ),
  ];
  for (const [tool, relay] of tools) {
    relays.push(relay);
    const id = tool.connection.id;
    tool.connection.tracker.setOutboxDepth(await outbox.depth(id));
    await scheduler.scheduleTask({
      id: clusterTaskId('relay', id),
      frequency: { milliseconds: settings.outboxIntervalMs },
      timeout: { minutes: 10 },
      fn: async () => {
        await relay.relay();
      },
    });
    await scheduler.scheduleTask({
      id: clusterTaskId('health', id),
      frequency: { milliseconds: settings.syncIntervalMs },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 1 },
      scope: 'local',
      fn: () => checkClusterHealth(tool),
    });
  }

  const servingWatch = new ServingWatch(
    db,
    endpoints,
    serving,
    integrations,
    logger,
  );
  const orchestrationWatch = new OrchestrationWatch(
    db,
    runs,
    integrations,
    logger,
  );
  // Adapters that cannot watch (an Argo Server) are polled on the sync schedule instead.
  const pollers: Array<[ClusterTool<LlmOpsAdapter>, () => Promise<unknown>]> = [
    ...integrations
      .servingTools()
      .filter(t => !(t.adapter.capabilities.has('watch') && t.adapter.watch))
      .map(
        t =>
          [t, () => servingWatch.poll(t)] as [
            ClusterTool<LlmOpsAdapter>,
            () => Promise<unknown>,
          ],
      ),
    ...integrations
      .orchestrationTools()
      .filter(t => !(t.adapter.capabilities.has('watch') && t.adapter.watch))
      .map(
        t =>
          [t, () => orchestrationWatch.poll(t)] as [
            ClusterTool<LlmOpsAdapter>,
            () => Promise<unknown>,
          ],
      ),
  ];
  for (const [tool, poll] of pollers) {
    await scheduler.scheduleTask({
      id: clusterTaskId('poll', tool.connection.id),
      frequency: { milliseconds: settings.syncIntervalMs },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 2 },
      fn: async () => {
        await poll().catch(error =>
          logger.warn(
            `llm-ops poll of ${tool.adapter.id} failed: ${
              (error as Error)?.message ?? error
            }`,
          ),
        );
      },
    });
  }

  const controller = new AbortController();
  const watches = [
    ...servingWatch.start(controller.signal),
    ...orchestrationWatch.start(controller.signal),
  ];
  return {
    relays,
    stop: async () => {
      controller.abort();
      await Promise.allSettled(watches);
    },
  };
}
