import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import request from 'supertest';
import { llmOpsModuleMlflow as mlflowModule } from '../../module';

/**
 * The real llm-ops backend plugin with this module against a real MLflow server. The scheduled
 * tasks (sync, outbox relay) are captured instead of run on timers, so tests drive them.
 */
export async function startWithMlflow(options: {
  databases: TestDatabases;
  databaseId: 'POSTGRES_15' | 'SQLITE_3';
  mlflowUrl: string;
  knex?: Awaited<ReturnType<TestDatabases['init']>>;
}) {
  const knex =
    options.knex ?? (await options.databases.init(options.databaseId));
  const scheduler = mockServices.scheduler.mock();
  const backend = await startTestBackend({
    features: [
      llmOpsPlugin,
      mlflowModule,
      mockServices.database.factory({ knex }),
      scheduler.factory,
      mockServices.rootConfig.factory({
        data: {
          llmOps: {
            mlflow: {
              instances: [
                { id: 'it', baseUrl: options.mlflowUrl, timeoutMs: 4000 },
              ],
            },
            resilience: {
              timeoutMs: 4000,
              retries: 1,
              breakerThreshold: 3,
              halfOpenAfterMs: 300,
            },
          },
        },
      }),
    ],
  });
  const task = (prefix: string) => {
    const call = scheduler.scheduleTask.mock.calls.find(([t]) =>
      t.id.startsWith(prefix),
    );
    if (!call) throw new Error(`No scheduled task ${prefix}`);
    return call[0].fn as () => Promise<void>;
  };
  const auth = mockCredentials.user.header();
  const api = {
    get: (path: string) =>
      request(backend.server)
        .get(`/api/llm-ops/v1${path}`)
        .set('Authorization', auth),
    post: (path: string, body: unknown) =>
      request(backend.server)
        .post(`/api/llm-ops/v1${path}`)
        .set('Authorization', auth)
        .send(body as object),
    patch: (path: string, body: unknown) =>
      request(backend.server)
        .patch(`/api/llm-ops/v1${path}`)
        .set('Authorization', auth)
        .send(body as object),
  };
  return {
    knex,
    backend,
    api,
    sync: task('llm-ops-sync-'),
    fullSync: task('llm-ops-full-sync-'),
    relay: task('llm-ops-outbox-relay-'),
    stop: () => backend.stop(),
  };
}
