import {
  createBackendModule,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  llmOpsIntegrationsExtensionPoint,
  type ExternalRef,
  type OrchestrationAdapter,
  type PipelineRunState,
  type ServedEndpointState,
  type ServingAdapter,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { llmOpsPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/realServices';
import { specCheckedClient } from '../__testUtils__/specCheckedClient';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const unavailable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), {
    code: 'ECONNREFUSED',
  });

type ApplyInput = Parameters<ServingAdapter['apply']>[0];

/** A serving platform in memory: what KServe would hold, with a switch to make it unreachable. */
class FakeServing implements ServingAdapter {
  readonly category = 'serving' as const;
  readonly capabilities = new Set(['canary', 'watch', 'scale']);
  readonly id: string;
  down = false;
  readonly calls: Array<{ op: 'apply' | 'remove'; input: any }> = [];
  readonly objects = new Map<string, ServedEndpointState>();
  private readonly listeners = new Set<
    (state: ServedEndpointState, deleted: boolean) => void
  >();

  constructor(readonly cluster: string, private readonly namespace = 'ml') {
    this.id = `kserve:${cluster}`;
  }

  async checkHealth() {
    return this.down
      ? { state: 'down' as const, lastError: 'unreachable' }
      : { state: 'up' as const };
  }

  async apply(input: ApplyInput): Promise<ServedEndpointState> {
    if (this.down) throw unavailable();
    if (input.name.startsWith('refused')) {
      throw Object.assign(new Error('InferenceService is invalid'), {
        status: 422,
      });
    }
    this.calls.push({ op: 'apply', input });
    const state: ServedEndpointState = {
      name: input.name,
      cluster: this.cluster,
      namespace: input.namespace ?? this.namespace,
      url: null,
      state: 'Unknown',
      conditions: [],
      traffic: [],
    };
    this.objects.set(input.name, state);
    this.emit(state, false);
    return state;
  }

  async remove(input: { name: string }) {
    if (this.down) throw unavailable();
    this.calls.push({ op: 'remove', input });
    const state = this.objects.get(input.name);
    this.objects.delete(input.name);
    if (state) this.emit(state, true);
  }

  async list() {
    return [...this.objects.values()];
  }

  async watch(
    onChange: (state: ServedEndpointState, deleted: boolean) => void,
    signal: AbortSignal,
  ) {
    this.listeners.add(onChange);
    for (const state of this.objects.values()) onChange(state, false);
    await new Promise<void>(done =>
      signal.addEventListener('abort', () => done()),
    );
    this.listeners.delete(onChange);
  }

  /** What the controller would report. */
  report(name: string, patch: Partial<ServedEndpointState>) {
    const state = { ...this.objects.get(name)!, ...patch };
    this.objects.set(name, state);
    this.emit(state, false);
  }

  private emit(state: ServedEndpointState, deleted: boolean) {
    for (const listener of this.listeners) listener(state, deleted);
  }
}

/** An orchestrator in memory; `withRetry` makes it an Argo-Server-like adapter that can retry. */
class FakeOrchestration implements OrchestrationAdapter {
  readonly category = 'orchestration' as const;
  readonly capabilities: Set<string>;
  readonly id: string;
  down = false;
  readonly calls: Array<{ op: string; input: any }> = [];
  readonly workflows = new Map<string, PipelineRunState>();
  retry?: OrchestrationAdapter['retry'];
  private counter = 0;
  private readonly listeners = new Set<
    (state: PipelineRunState, deleted: boolean) => void
  >();

  constructor(readonly cluster: string, withRetry = false) {
    this.id = withRetry ? `argo-server:${cluster}` : `argo:${cluster}`;
    this.capabilities = new Set(
      withRetry
        ? ['retry', 'stop', 'terminate']
        : ['stop', 'terminate', 'watch'],
    );
    if (withRetry) {
      this.retry = async ref => {
        this.calls.push({ op: 'retry', input: ref });
      };
    }
  }

  async checkHealth() {
    return { state: this.down ? ('down' as const) : ('up' as const) };
  }

  async submit(
    input: Parameters<OrchestrationAdapter['submit']>[0],
  ): Promise<ExternalRef & { name: string }> {
    if (this.down) throw unavailable();
    this.calls.push({ op: 'submit', input });
    const name = `${input.templateRef.name}-${++this.counter}`;
    const externalId = `${input.namespace ?? 'argo'}/${name}`;
    const state: PipelineRunState = {
      externalId,
      name,
      labels: input.labels,
      parameters: input.parameters,
      phase: 'Pending',
      progress: null,
      nodes: [],
      startedAt: null,
      finishedAt: null,
    };
    this.workflows.set(externalId, state);
    return { externalId, name };
  }

  async get(ref: { name: string; namespace?: string }) {
    return this.workflows.get(`${ref.namespace ?? 'argo'}/${ref.name}`);
  }

  async stop(ref: { name: string }) {
    if (this.down) throw unavailable();
    this.calls.push({ op: 'stop', input: ref });
  }

  async terminate(ref: { name: string }) {
    if (this.down) throw unavailable();
    this.calls.push({ op: 'terminate', input: ref });
  }

  async watch(
    onChange: (state: PipelineRunState, deleted: boolean) => void,
    signal: AbortSignal,
  ) {
    this.listeners.add(onChange);
    await new Promise<void>(done =>
      signal.addEventListener('abort', () => done()),
    );
    this.listeners.delete(onChange);
  }

  report(externalId: string, patch: Partial<PipelineRunState>) {
    const state = { ...this.workflows.get(externalId)!, ...patch };
    this.workflows.set(externalId, state);
    for (const listener of this.listeners) listener(state, false);
  }
}

async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(done => setTimeout(done, 50));
  }
}

describe.each(databases.eachSupportedId())(
  'serving and orchestration per cluster on %s',
  databaseId => {
    async function setup(options: {
      serving?: FakeServing[];
      orchestration?: FakeOrchestration[];
      adapters?: Record<string, string>;
    }) {
      const knex = await databases.init(databaseId);
      const scheduler = mockServices.scheduler.mock();
      const fakes: BackendFeature = createBackendModule({
        pluginId: 'llm-ops',
        moduleId: 'fake-clusters',
        register(reg) {
          reg.registerInit({
            deps: { integrations: llmOpsIntegrationsExtensionPoint },
            async init({ integrations }) {
              for (const adapter of [
                ...(options.serving ?? []),
                ...(options.orchestration ?? []),
              ])
                integrations.addAdapter(adapter);
            },
          });
        },
      });
      const backend = await startTestBackend({
        features: [
          llmOpsPlugin,
          fakes,
          scheduler.factory,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              llmOps: {
                adapters: options.adapters ?? {},
                resilience: {
                  timeoutMs: 2000,
                  retries: 0,
                  breakerThreshold: 100,
                  halfOpenAfterMs: 100,
                },
              },
            },
          }),
        ],
      });
      const task = (id: string) => {
        const call = scheduler.scheduleTask.mock.calls.find(
          ([t]) => t.id === id,
        );
        if (!call) throw new Error(`No scheduled task ${id}`);
        return call[0].fn as () => Promise<void>;
      };
      const api = specCheckedClient(backend.server);
      const versions: string[] = [];
      await api.post('/api/llm-ops/v1/models', { name: 'llm' });
      for (let i = 1; i <= 3; i++) {
        const v = await api.post('/api/llm-ops/v1/models/llm/versions', {
          artifactUri: `s3://models/llm/${i}`,
        });
        versions.push(v.body.data.id);
      }
      return {
        api,
        knex,
        versions,
        relay: (id: string) =>
          task(`llm-ops-cluster-relay-${id.replace(/[^A-Za-z0-9-]/g, '-')}`),
        poll: (id: string) =>
          task(`llm-ops-cluster-poll-${id.replace(/[^A-Za-z0-9-]/g, '-')}`),
        health: (id: string) =>
          task(`llm-ops-cluster-health-${id.replace(/[^A-Za-z0-9-]/g, '-')}`),
        stop: () => backend.stop(),
      };
    }
    const base = '/api/llm-ops/v1';

    it('routes endpoints by cluster, applies the desired traffic, and records what the cluster answers and reports', async () => {
      const east = new FakeServing('east');
      const west = new FakeServing('west', 'serving');
      const it = await setup({ serving: [east, west] });
      try {
        const [v1, v2] = it.versions;
        const ambiguous = await it.api.post(`${base}/endpoints`, {
          name: 'chat',
          runtime: 'kserve',
        });
        expect(ambiguous.status).toBe(400);
        expect(ambiguous.body.data.error.field).toBe('cluster');
        const unknown = await it.api.post(`${base}/endpoints`, {
          name: 'chat',
          runtime: 'kserve',
          cluster: 'north',
        });
        expect(unknown.status).toBe(400);
        expect(unknown.body.message).toContain("'east', 'west'");

        const created = await it.api.post(`${base}/endpoints`, {
          name: 'chat',
          runtime: 'kserve',
          cluster: 'west',
          modelVersionId: v1,
          modelFormat: 'pytorch',
        });
        expect(created.status).toBe(201);
        expect(created.body.data).toMatchObject({
          cluster: 'west',
          namespace: 'serving',
          modelFormat: 'pytorch',
          source: { integration: 'kserve:west', externalId: 'serving/chat' },
          observed: { state: 'Unknown' },
        });
        expect(east.calls).toEqual([]);
        expect(west.calls).toEqual([
          {
            op: 'apply',
            input: {
              name: 'chat',
              cluster: 'west',
              minReplicas: 1,
              maxReplicas: 1,
              traffic: [
                {
                  storageUri: 's3://models/llm/1',
                  modelFormat: 'pytorch',
                  modelVersionId: v1,
                  percent: 100,
                  role: 'stable',
                },
              ],
            },
          },
        ]);

        // The canary goes out as stable 90 + canary 10.
        const canary = await it.api.post(`${base}/endpoints/chat/deploy`, {
          modelVersionId: v2,
          canaryPercent: 10,
        });
        expect(canary.status).toBe(200);
        expect(west.calls[1].input.namespace).toBe('serving');
        expect(
          west.calls[1].input.traffic.map((t: any) => [
            t.modelVersionId,
            t.percent,
            t.role,
          ]),
        ).toEqual([
          [v1, 90, 'stable'],
          [v2, 10, 'canary'],
        ]);

        // The controller reports; the watch records it, once.
        west.report('chat', {
          url: 'http://chat.serving.example.com',
          state: 'Ready',
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              lastTransitionTime: '2026-11-26T08:00:00Z',
            },
          ],
          traffic: [
            {
              revision: 'chat-1',
              percent: 90,
              role: 'stable',
              modelVersionId: v1,
            },
            {
              revision: 'chat-2',
              percent: 10,
              role: 'canary',
              modelVersionId: v2,
            },
          ],
          latestReadyRevision: 'chat-2',
          latestRolledOutRevision: 'chat-1',
        });
        const ready = await eventually(
          async () => (await it.api.get(`${base}/endpoints/chat`)).body.data,
          e => e.observed.state === 'Ready',
          'the report to be recorded',
        );
        expect(ready).toMatchObject({
          url: 'http://chat.serving.example.com',
          observed: {
            latestReadyRevision: 'chat-2',
            latestRolledOutRevision: 'chat-1',
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: null,
                lastTransitionTime: '2026-11-26T08:00:00.000Z',
              },
            ],
            traffic: [
              {
                modelVersionId: v1,
                modelName: 'llm',
                version: '1',
                percent: 90,
              },
              {
                modelVersionId: v2,
                modelName: 'llm',
                version: '2',
                percent: 10,
              },
            ],
          },
        });
        const stamp = (await it.knex('assets').where({ name: 'chat' }).first())
          .updated_at;
        west.report('chat', {});
        await new Promise(done => setTimeout(done, 300));
        expect(
          (await it.knex('assets').where({ name: 'chat' }).first()).updated_at,
        ).toEqual(stamp);

        // Promote, scale, and a refusal that leaves everything as it was.
        expect(
          (await it.api.post(`${base}/endpoints/chat/promote`)).status,
        ).toBe(200);
        expect(
          (
            await it.api.patch(`${base}/endpoints/chat`, {
              minReplicas: 2,
              maxReplicas: 3,
            })
          ).status,
        ).toBe(200);
        expect(west.calls.at(-1)!.input).toMatchObject({
          minReplicas: 2,
          maxReplicas: 3,
          traffic: [{ modelVersionId: v2, percent: 100, role: 'stable' }],
        });
        const description = await it.api.patch(`${base}/endpoints/chat`, {
          description: 'no cluster call for this',
        });
        expect(description.status).toBe(200);
        expect(west.calls).toHaveLength(4);

        const refused = await it.api.post(`${base}/endpoints`, {
          name: 'refused',
          runtime: 'kserve',
          cluster: 'east',
          modelVersionId: v1,
        });
        expect(refused.status).toBe(400);
        expect((await it.api.get(`${base}/endpoints/refused`)).status).toBe(
          404,
        );

        // Builtin endpoints stay in the store.
        expect(
          (
            await it.api.post(`${base}/endpoints`, {
              name: 'local',
              runtime: 'builtin',
              modelVersionId: v1,
            })
          ).body.data.observed.state,
        ).toBe('Ready');

        expect((await it.api.delete(`${base}/endpoints/chat`)).status).toBe(
          200,
        );
        expect(west.calls.at(-1)).toEqual({
          op: 'remove',
          input: { name: 'chat', cluster: 'west', namespace: 'serving' },
        });
      } finally {
        await it.stop();
      }
    });

    it('queues writes for an unavailable cluster in order, says the list is stale, and replays them', async () => {
      const only = new FakeServing('only');
      const it = await setup({ serving: [only] });
      try {
        const [v1, v2, v3] = it.versions;
        // One cluster: endpoints without a cluster go there, and keep it.
        const created = await it.api.post(`${base}/endpoints`, {
          name: 'chat',
          runtime: 'kserve',
          modelVersionId: v1,
        });
        expect(created.body.data.cluster).toBe('only');
        await it.api.post(`${base}/endpoints`, {
          name: 'spare',
          runtime: 'kserve',
          modelVersionId: v1,
        });

        only.down = true;
        const deploy = await it.api.post(`${base}/endpoints/chat/deploy`, {
          modelVersionId: v2,
        });
        expect(deploy.status).toBe(202);
        expect(deploy.body.data).toMatchObject({
          outbox: { state: 'pending', integration: 'kserve:only' },
          resource: {
            desired: { traffic: [{ modelVersionId: v2, percent: 100 }] },
          },
        });
        await it.health('kserve:only')();
        const list = (await it.api.get(`${base}/endpoints`)).body.data;
        expect(list.freshness).toMatchObject({
          stale: true,
          degradedIntegrations: [{ id: 'kserve:only' }],
        });
        // Back, but the queue is not empty: later writes wait behind it.
        only.down = false;
        const canary = await it.api.post(`${base}/endpoints/chat/deploy`, {
          modelVersionId: v3,
          canaryPercent: 20,
        });
        expect(canary.status).toBe(202);
        expect((await it.api.delete(`${base}/endpoints/spare`)).status).toBe(
          202,
        );
        const scaled = await it.api.patch(`${base}/endpoints/chat`, {
          maxReplicas: 5,
        });
        expect(scaled.status).toBe(202);
        expect(only.calls).toHaveLength(2);

        await it.relay('kserve:only')();
        expect(
          only.calls
            .slice(2)
            .map(c => [
              c.op,
              c.input.name,
              c.input.traffic?.map((t: any) => `${t.role}:${t.percent}`).join(),
              c.input.maxReplicas,
            ]),
        ).toEqual([
          ['apply', 'chat', 'stable:100', 1],
          ['apply', 'chat', 'stable:80,canary:20', 1],
          ['remove', 'spare', undefined, undefined],
          ['apply', 'chat', 'stable:80,canary:20', 5],
        ]);
        const entry = await it.api.get(
          `${base}/outbox/${deploy.body.data.outbox.id}`,
        );
        expect(entry.body.data.state).toBe('done');
        await it.health('kserve:only')();
        expect(
          (await it.api.get(`${base}/endpoints`)).body.data.freshness.stale,
        ).toBe(false);
        // Nothing pending: writes go straight to the cluster again.
        expect(
          (await it.api.post(`${base}/endpoints/chat/promote`)).status,
        ).toBe(200);
      } finally {
        await it.stop();
      }
    });

    it('submits argo runs through the pipeline’s cluster, follows them, and stops, terminates or retries them', async () => {
      const kube = new FakeOrchestration('prod');
      const server = new FakeOrchestration('lab', true);
      const it = await setup({ orchestration: [kube, server] });
      try {
        await it.api.post(`${base}/pipelines`, {
          name: 'train',
          runtime: 'argo',
          cluster: 'prod',
          namespace: 'pipelines',
          templateRef: { kind: 'WorkflowTemplate', name: 'train' },
          parameters: { epochs: '3' },
        });
        const submitted = await it.api.post(`${base}/pipelines/train/runs`, {
          parameters: { epochs: '5' },
        });
        expect(submitted.status).toBe(201);
        const run = submitted.body.data;
        expect(run.source).toMatchObject({
          integration: 'argo:prod',
          externalId: 'pipelines/train-1',
        });
        const pipelineId = (await it.api.get(`${base}/pipelines/train`)).body
          .data.id;
        expect(kube.calls[0].input).toEqual({
          templateRef: { kind: 'WorkflowTemplate', name: 'train' },
          cluster: 'prod',
          namespace: 'pipelines',
          parameters: { epochs: '5' },
          labels: {
            'llm-ops/pipeline-id': pipelineId,
            'llm-ops/run-id': run.id,
          },
        });

        kube.report('pipelines/train-1', {
          phase: 'Running',
          progress: '1/2',
          startedAt: Date.parse('2026-11-26T08:00:00Z'),
          nodes: [
            {
              id: 'n1',
              name: 'train-1[0].prepare',
              displayName: 'prepare',
              type: 'Pod',
              phase: 'Succeeded',
              startedAt: '2026-11-26T08:00:01Z',
              finishedAt: '2026-11-26T08:00:30Z',
            },
          ],
        });
        const running = await eventually(
          async () =>
            (
              await it.api.get(`${base}/pipeline-runs/${run.id}`)
            ).body.data,
          r => r.phase === 'Running',
          'the run to be Running',
        );
        expect(running).toMatchObject({
          progress: '1/2',
          startedAt: '2026-11-26T08:00:00.000Z',
          nodes: [
            {
              displayName: 'prepare',
              phase: 'Succeeded',
              finishedAt: '2026-11-26T08:00:30.000Z',
            },
          ],
        });

        expect(
          (await it.api.post(`${base}/pipeline-runs/${run.id}/stop`)).status,
        ).toBe(200);
        expect(kube.calls.at(-1)).toEqual({
          op: 'stop',
          input: { name: 'train-1', namespace: 'pipelines', cluster: 'prod' },
        });
        const retry = await it.api.post(
          `${base}/pipeline-runs/${run.id}/retry`,
        );
        expect(retry.status).toBe(409);
        expect(retry.body.message).toContain('cannot retry');

        // The Argo-Server-like integration retries a failed run.
        await it.api.post(`${base}/pipelines`, {
          name: 'eval',
          runtime: 'argo',
          cluster: 'lab',
          templateRef: { kind: 'ClusterWorkflowTemplate', name: 'eval' },
        });
        const evalRun = (await it.api.post(`${base}/pipelines/eval/runs`, {}))
          .body.data;
        expect(evalRun.source.integration).toBe('argo-server:lab');
        // It cannot watch: the poll reads the Workflows of unfinished runs.
        server.report(evalRun.source.externalId, {
          phase: 'Running',
          progress: '0/1',
        });
        await it.poll('argo-server:lab')();
        expect(
          (await it.api.get(`${base}/pipeline-runs/${evalRun.id}`)).body.data,
        ).toMatchObject({ phase: 'Running', progress: '0/1' });
        expect(() => it.poll('argo:prod')).toThrow(); // argo:prod watches
        expect(
          (await it.api.post(`${base}/pipeline-runs/${evalRun.id}/retry`))
            .status,
        ).toBe(409); // still Running
        await it.api.patch(`${base}/pipeline-runs/${evalRun.id}`, {
          phase: 'Failed',
        });
        expect(
          (await it.api.post(`${base}/pipeline-runs/${evalRun.id}/retry`))
            .status,
        ).toBe(200);
        expect(server.calls.at(-1)!.op).toBe('retry');

        // Unavailable: the submission waits in the outbox; the relay submits it.
        kube.down = true;
        const queued = await it.api.post(`${base}/pipelines/train/runs`, {});
        expect(queued.status).toBe(202);
        expect(queued.body.data.resource.phase).toBe('Pending');
        expect(
          (
            await it.api.post(
              `${base}/pipeline-runs/${queued.body.data.resource.id}/terminate`,
            )
          ).status,
        ).toBe(202);
        kube.down = false;
        await it.relay('argo:prod')();
        expect(kube.calls.slice(-2).map(c => c.op)).toEqual([
          'submit',
          'terminate',
        ]);
        expect(
          (
            await it.api.get(
              `${base}/pipeline-runs/${queued.body.data.resource.id}`,
            )
          ).body.data.source,
        ).toMatchObject({
          integration: 'argo:prod',
          externalId: 'pipelines/train-2',
        });
      } finally {
        await it.stop();
      }
    });
  },
);
