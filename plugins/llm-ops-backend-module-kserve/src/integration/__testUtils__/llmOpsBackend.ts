import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
// The point of these tests: the real llm-ops plugin with this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import request from 'supertest';
import type { KubernetesClusterConfig } from '../../kubernetes';
import { llmOpsModuleKserve as kserveModule } from '../../module';

/**
 * The real llm-ops backend plugin with the KServe module against the real Kubernetes API server.
 * The scheduled tasks (outbox relays, health checks) are captured instead of run on timers, so
 * tests drive them; the watches run for real.
 */
export async function startWithKserve(options: {
  databases: TestDatabases;
  databaseId: 'POSTGRES_15' | 'SQLITE_3';
  clusters: KubernetesClusterConfig[];
  /** `llmOps.adapters.serving`: the default cluster's adapter. */
  defaultServing?: string;
  knex?: Awaited<ReturnType<TestDatabases['init']>>;
}) {
  const knex =
    options.knex ?? (await options.databases.init(options.databaseId));
  const scheduler = mockServices.scheduler.mock();
  const backend = await startTestBackend({
    features: [
      llmOpsPlugin,
      kserveModule,
      mockServices.database.factory({ knex }),
      scheduler.factory,
      mockServices.rootConfig.factory({
        data: {
          llmOps: {
            ...(options.defaultServing
              ? { adapters: { serving: options.defaultServing } }
              : {}),
            kubernetes: { clusters: options.clusters },
            resilience: {
              timeoutMs: 4000,
              retries: 1,
              breakerThreshold: 5,
              halfOpenAfterMs: 300,
            },
          },
        },
      }),
    ],
  });
  const task = (id: string) => {
    const call = scheduler.scheduleTask.mock.calls.find(([t]) => t.id === id);
    if (!call) throw new Error(`No scheduled task ${id}`);
    return call[0].fn as () => Promise<void>;
  };
  const auth = mockCredentials.user.header();
  const api = {
    get: (path: string) =>
      request(backend.server)
        .get(`/api/llm-ops/v1${path}`)
        .set('Authorization', auth),
    post: (path: string, body?: unknown) =>
      request(backend.server)
        .post(`/api/llm-ops/v1${path}`)
        .set('Authorization', auth)
        .send((body ?? {}) as object),
    patch: (path: string, body: unknown) =>
      request(backend.server)
        .patch(`/api/llm-ops/v1${path}`)
        .set('Authorization', auth)
        .send(body as object),
    delete: (path: string) =>
      request(backend.server)
        .delete(`/api/llm-ops/v1${path}`)
        .set('Authorization', auth),
  };
  return {
    knex,
    backend,
    api,
    /** The outbox relay of a cluster integration, e.g. relay('kserve:prod'). */
    relay: (integration: string) =>
      task(
        `llm-ops-cluster-relay-${integration.replace(/[^A-Za-z0-9-]/g, '-')}`,
      ),
    /** The health check of a cluster integration. */
    health: (integration: string) =>
      task(
        `llm-ops-cluster-health-${integration.replace(/[^A-Za-z0-9-]/g, '-')}`,
      ),
    stop: () => backend.stop(),
  };
}

/** A model with versions through the API (the builtin registry), each with its artifactUri. */
export async function createModelVersions(
  api: Awaited<ReturnType<typeof startWithKserve>>['api'],
  model: string,
  count: number,
): Promise<Array<{ id: string; artifactUri: string }>> {
  expect((await api.post('/models', { name: model })).status).toBe(201);
  const versions: Array<{ id: string; artifactUri: string }> = [];
  for (let i = 1; i <= count; i++) {
    const artifactUri = `s3://models/${model}/${i}`;
    const created = await api.post(`/models/${model}/versions`, {
      artifactUri,
    });
    expect(created.status).toBe(201);
    versions.push({ id: created.body.data.id, artifactUri });
  }
  return versions;
}

/**
 * A TCP forwarder to the API server that a test can take down and bring back on the same port:
 * a cluster that becomes unreachable and returns, without stopping the shared API server. TLS
 * passes through untouched (the server's certificate is for 127.0.0.1).
 */
export class SwitchableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url() {
    return `https://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer(client => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise(done => server.close(done));
  }
}
