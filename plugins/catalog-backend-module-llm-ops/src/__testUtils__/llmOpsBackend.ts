import type { JsonObject } from '@backstage/types';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
  type EntityProviderConnection,
  type EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The provider's peer: the tests run the real llm-ops plugin next to this catalog module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import request from 'supertest';
import type { Server } from 'node:http';
import { catalogModuleLlmOps } from '../module';
import type { LlmOpsEntityProvider } from '../provider/LlmOpsEntityProvider';

/**
 * PostgreSQL 15 (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) and SQLite. With
 * LLM_OPS_REQUIRE_REAL_SERVICES=1 a missing PostgreSQL fails the run instead of skipping it.
 */
export function createTestDatabases(): TestDatabases {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15', 'SQLITE_3'],
    disableDocker: true,
  });
  if (
    process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1' &&
    !databases.supports('POSTGRES_15')
  ) {
    throw new Error(
      'PostgreSQL is required but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set',
    );
  }
  return databases;
}

/** A catalog connection that records every mutation. */
export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
  last() {
    return this.mutations[this.mutations.length - 1];
  }
}

/**
 * The real llm-ops backend plugin and this module in one test backend. The catalog is faked:
 * the processing extension point captures the provider, and the catalog service answers from
 * `catalogEntities` (what hand-written entities the catalog holds).
 */
export async function startBackend(options: {
  knex: Awaited<ReturnType<TestDatabases['init']>>;
  config?: JsonObject;
}) {
  const providers: EntityProvider[] = [];
  const processors: unknown[] = [];
  const catalogEntities: Entity[] = [];
  const catalog = catalogServiceMock.mock({
    queryEntities: async req =>
      new InMemoryCatalogClient({ entities: catalogEntities }).queryEntities(
        req,
      ),
  });
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner: jest.fn(() => ({ run: jest.fn() })),
    scheduleTask: jest.fn(),
  });
  const { server } = await startTestBackend({
    extensionPoints: [
      [
        catalogProcessingExtensionPoint,
        {
          addProcessor: (...p: unknown[]) => processors.push(...p.flat()),
          addEntityProvider: (...p: any[]) => providers.push(...p.flat()),
          addPlaceholderResolver: () => {},
          setOnProcessingErrorHandler: () => {},
        },
      ],
    ],
    features: [
      llmOpsPlugin,
      catalogModuleLlmOps,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      catalog.factory,
      scheduler.factory,
    ],
  });
  const provider = providers[0] as LlmOpsEntityProvider;
  const connection = new RecordingConnection();
  await provider.connect(connection);
  return {
    server,
    provider,
    processors,
    connection,
    scheduler,
    catalogEntities,
    api: apiClient(server),
  };
}

/** The llm-ops API as a user, failing the test on any unexpected status. */
export function apiClient(server: Server) {
  const call = async (
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: string,
    body?: object,
  ) => {
    const req = request(server)
      [method](`/api/llm-ops${path}`)
      .set('Authorization', mockCredentials.user.header());
    const res = body ? await req.send(body) : await req;
    if (res.status >= 300) {
      throw new Error(
        `${method.toUpperCase()} ${path} answered ${
          res.status
        }: ${JSON.stringify(res.body)}`,
      );
    }
    return res.body.data;
  };
  return {
    get: (path: string) => call('get', path),
    post: (path: string, body: object = {}) => call('post', path, body),
    put: (path: string, body: object) => call('put', path, body),
    patch: (path: string, body: object) => call('patch', path, body),
    delete: (path: string) => call('delete', path),
  };
}
