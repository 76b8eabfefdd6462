import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject, JsonValue } from '@backstage/types';
// The actions' peer: the tests run the real llm-ops plugin and call it over HTTP.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import request from 'supertest';
import type { Server } from 'node:http';
import type { LlmOpsActionOptions } from '../lib/context';

export type Knex = Awaited<ReturnType<TestDatabases['init']>>;

/**
 * PostgreSQL 15 (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) and SQLite, the engine of
 * the embedded default. With LLM_OPS_REQUIRE_REAL_SERVICES=1 a missing PostgreSQL fails the run
 * instead of skipping it.
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

/** The llm-ops API as a user, for arranging data and checking what the actions did. */
export function apiClient(server: Server) {
  const call = async (
    method: 'get' | 'post' | 'put' | 'patch',
    path: string,
    body?: object,
  ) => {
    const req = request(server)
      [method](`/api/llm-ops${path}`)
      .set('Authorization', mockCredentials.user.header());
    const res = body ? await req.send(body) : await req;
    return { status: res.status, body: res.body };
  };
  const ok = async (
    method: 'get' | 'post' | 'put' | 'patch',
    path: string,
    body?: object,
  ) => {
    const res = await call(method, path, body);
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
    /** The answer with its status, e.g. to expect a 404. */
    raw: (path: string) => call('get', path),
    get: (path: string) => ok('get', path),
    post: (path: string, body: object = {}) => ok('post', path, body),
    put: (path: string, body: object) => ok('put', path, body),
    patch: (path: string, body: object) => ok('patch', path, body),
    /** The names of every asset of a kind, to check that nothing was created. */
    names: async (collection: string): Promise<string[]> => {
      const data = await ok('get', `/v1/${collection}?pageSize=500`);
      return data.items.map((i: { name: string }) => i.name).sort();
    },
  };
}

export type LlmOpsTestBackend = Awaited<ReturnType<typeof startLlmOps>>;

/**
 * The real llm-ops backend plugin on the given database, served over HTTP, and what the actions
 * need to call it: a discovery that points at the test server, and an auth service that issues
 * tokens on behalf of the initiator which the llm-ops plugin accepts (mock service tokens
 * carrying the user). The catalog answers from `entities`, which a test may add to.
 */
export async function startLlmOps(options: {
  knex: Knex;
  entities?: Entity[];
  config?: JsonObject;
  features?: any[];
}) {
  const backend = await startTestBackend({
    features: [
      llmOpsPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      ...(options.features ?? []),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;
  // The catalog answers from this list, which tests may add to after the start.
  const entities: Entity[] = [...(options.entities ?? [])];
  const catalog = catalogServiceMock.mock({
    getEntityByRef: async ref => {
      const wanted = stringifyEntityRef(
        typeof ref === 'string' ? parseEntityRef(ref) : ref,
      );
      return entities.find(e => stringifyEntityRef(e) === wanted);
    },
  });
  const actionOptions: LlmOpsActionOptions = {
    discovery: {
      getBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
    },
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    catalog,
  };
  return {
    backend,
    baseUrl,
    actionOptions,
    entities,
    catalog,
    api: apiClient(backend.server),
    stop: () => backend.stop(),
  };
}

/** A logger that keeps what the action wrote to the task log. */
export function recordingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: message => void lines.push(`error: ${message}`),
    warn: message => void lines.push(`warn: ${message}`),
    info: message => void lines.push(`info: ${message}`),
    debug: message => void lines.push(`debug: ${message}`),
    child: () => logger,
  };
  return logger;
}

/**
 * A checkpoint store like the scaffolder's: a key that succeeded before returns its value without
 * running again. Share one between two runs to act out a retried task.
 */
export function checkpointStore() {
  const values = new Map<string, JsonValue>();
  const runs: string[] = [];
  return {
    values,
    /** Keys whose function actually ran. */
    runs,
    async checkpoint<T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (values.has(opts.key)) return values.get(opts.key) as T;
      runs.push(opts.key);
      const value = await opts.fn();
      values.set(opts.key, (value ?? {}) as JsonValue);
      return value;
    },
  };
}

/** An action context for `input`, recording outputs and log lines. */
export function actionContext<TInput extends JsonObject>(
  input: TInput,
  options: {
    taskId?: string;
    stepId?: string;
    isDryRun?: boolean;
    checkpoints?: ReturnType<typeof checkpointStore>;
    credentials?: BackstageCredentials;
    signal?: AbortSignal;
  } = {},
) {
  const lines: string[] = [];
  const outputs: Record<string, JsonValue> = {};
  const checkpoints = options.checkpoints ?? checkpointStore();
  // createMockActionContext takes only input, logger, task and a few more; the rest is laid
  // over what it returns.
  const ctx: ActionContext<any, any> = {
    ...createMockActionContext<TInput>({
      input,
      logger: recordingLogger(lines),
      task: {
        id: options.taskId ?? `task-${Math.random().toString(36).slice(2)}`,
      },
    }),
    step: { id: options.stepId ?? 'step', name: 'step' },
    isDryRun: options.isDryRun,
    signal: options.signal,
    checkpoint: checkpoints.checkpoint,
    getInitiatorCredentials: async () =>
      options.credentials ?? mockCredentials.user(),
    output: (name: string | number | symbol, value: any) => {
      outputs[String(name)] = value;
    },
  };
  return { ctx, outputs, lines, checkpoints };
}

/** A unique, Kubernetes-valid name for one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

type Api = ReturnType<typeof apiClient>;

/** An experiment with one finished run; returns the run. */
export async function seedRun(api: Api, experiment = uniqueName('exp')) {
  await api.post('/v1/experiments', { name: experiment });
  return api.post('/v1/runs', {
    experimentId: experiment,
    name: uniqueName('run'),
    status: 'FINISHED',
  });
}

/**
 * A model with `versions` versions made by one run; `champion` points at version 1. Returns the
 * model and its versions, oldest first.
 */
export async function seedModel(api: Api, name: string, versions = 2) {
  const run = await seedRun(api);
  const model = await api.post('/v1/models', { name });
  const made = [];
  for (let i = 0; i < versions; i++) {
    made.push(
      await api.post(`/v1/models/${name}/versions`, {
        artifactUri: `s3://models/${name}/${i + 1}`,
        sourceRunId: run.id,
      }),
    );
  }
  await api.put(`/v1/models/${name}/aliases/champion`, { version: '1' });
  return { model, versions: made, run };
}

/** A builtin pipeline declaring `parameters` (name to default). */
export async function seedPipeline(
  api: Api,
  name: string,
  parameters: Record<string, string>,
) {
  return api.post('/v1/pipelines', { name, runtime: 'builtin', parameters });
}

/** The catalog entity the llm-ops provider would emit for an asset. */
export function entityFor(
  kind: 'Model' | 'Dataset' | 'Experiment' | 'Endpoint' | 'Pipeline',
  asset: { id: string; name: string },
): Entity {
  return {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind,
    metadata: {
      name: asset.name,
      namespace: 'default',
      annotations: { 'llm-ops.io/id': asset.id },
    },
    spec: { owner: 'group:default/ml-platform' },
  };
}
