import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { createLlmOpsApi } from './llmOpsApi';

/** @public */
export interface LlmOpsTestBackendOptions {
  /**
   * The llm-ops backend plugin and the modules under test. The plugin is passed in rather than
   * imported: it depends on this package, so importing it here would make a cycle.
   */
  features: BackendFeature[];
  /** The app config, e.g. `{ llmOps: { mlflow: { instances: [...] } } }`. */
  config: JsonObject;
  databases: TestDatabases;
  databaseId: TestDatabaseId;
  /** A database from an earlier backend, to restart against the same data. */
  knex?: Awaited<ReturnType<TestDatabases['init']>>;
}

/**
 * The database part of the options, for a module's own start function to pass through.
 *
 * @public
 */
export type LlmOpsTestDatabase = Pick<
  LlmOpsTestBackendOptions,
  'databases' | 'databaseId' | 'knex'
>;

/**
 * `llmOps.resilience` for tests: short timeouts and one retry, so a test of an unreachable tool
 * finishes in seconds; the breaker half-opens quickly for tests of recovery.
 *
 * @public
 */
export const testResilience = {
  timeoutMs: 4000,
  retries: 1,
  breakerThreshold: 5,
  halfOpenAfterMs: 300,
};

/**
 * Starts a test backend with the llm-ops plugin, the given modules and config, on a database from
 * TestDatabases. The scheduled tasks (sync, outbox relays, health checks) are captured instead of
 * run on timers, so a test runs them when its scenario needs them and the outcome does not depend
 * on timing.
 *
 * @public
 */
export async function startLlmOpsTestBackend(
  options: LlmOpsTestBackendOptions,
) {
  const knex =
    options.knex ?? (await options.databases.init(options.databaseId));
  const scheduler = mockServices.scheduler.mock();
  const backend = await startTestBackend({
    features: [
      ...options.features,
      mockServices.database.factory({ knex }),
      scheduler.factory,
      mockServices.rootConfig.factory({ data: options.config }),
    ],
  });
  const scheduledTask = (matches: (id: string) => boolean, name: string) => {
    const call = scheduler.scheduleTask.mock.calls.find(([task]) =>
      matches(task.id),
    );
    if (!call) throw new Error(`No scheduled task ${name}`);
    return call[0].fn as () => Promise<void>;
  };
  return {
    knex,
    backend,
    api: createLlmOpsApi(backend.server),
    /** The function of the scheduled task with this id. */
    task: (id: string) => scheduledTask(taskId => taskId === id, id),
    /** The function of the first scheduled task whose id starts with this prefix. */
    taskStartingWith: (prefix: string) =>
      scheduledTask(taskId => taskId.startsWith(prefix), prefix),
    stop: () => backend.stop(),
  };
}

/** @public */
export type LlmOpsTestBackend = Awaited<
  ReturnType<typeof startLlmOpsTestBackend>
>;
