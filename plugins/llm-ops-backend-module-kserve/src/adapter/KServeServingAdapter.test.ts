import { ConfigReader } from '@backstage/config';
import { Watch } from '@kubernetes/client-node';
import type {
  ServedEndpointState,
  TrafficTarget,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  KubernetesAdapterError,
  KubernetesApiError,
  KubernetesClusterClient,
  KubernetesRequestError,
} from '../kubernetes';
import {
  adminClient,
  closedPort,
  describeWithKube,
  inlineCluster,
  kubeconfigCluster,
  rejection,
  sleep,
  uniqueName,
  waitFor,
} from '../__testUtils__/kube';
import { INFERENCE_SERVICES } from './inferenceService';
import { KServeServingAdapter } from './KServeServingAdapter';

jest.setTimeout(60_000);

const v1: TrafficTarget = {
  storageUri: 's3://models/classifier/1',
  modelFormat: 'sklearn',
  modelVersionId: 'mv-1',
  percent: 100,
  role: 'stable',
};
const v2: TrafficTarget = {
  storageUri: 's3://models/classifier/2',
  modelFormat: 'sklearn',
  modelVersionId: 'mv-2',
  percent: 100,
  role: 'stable',
};
const v3: TrafficTarget = {
  storageUri: 's3://models/classifier/3',
  modelFormat: 'sklearn',
  modelVersionId: 'mv-3',
  percent: 100,
  role: 'stable',
};
const stable = (t: TrafficTarget, percent = 100): TrafficTarget => ({
  ...t,
  percent,
  role: 'stable',
});
const canary = (t: TrafficTarget, percent: number): TrafficTarget => ({
  ...t,
  percent,
  role: 'canary',
});

describeWithKube('KServeServingAdapter against a real API server', () => {
  const admin = adminClient();
  const clusterName = uniqueName('kserve');
  const namespace = uniqueName('models');
  const adapter = new KServeServingAdapter({
    client: KubernetesClusterClient.fromCluster(
      kubeconfigCluster(clusterName, namespace),
    ),
  });
  const isvc = (name: string, ns = namespace) =>
    admin.get(INFERENCE_SERVICES, { namespace: ns, name });

  afterAll(async () => {
    // The etcd data outlives the run: leave nothing behind.
    const { items } = await admin.list(INFERENCE_SERVICES, {
      labelSelector: `llm-ops/cluster in (${clusterName},${clusterName}-a,${clusterName}-b)`,
    });
    for (const item of items) {
      await admin.delete(INFERENCE_SERVICES, {
        namespace: item.metadata!.namespace,
        name: item.metadata!.name!,
      });
    }
    for (const name of ['foreign']) {
      await admin.delete(INFERENCE_SERVICES, { namespace, name });
    }
  });

  it('creates an InferenceService the real CRD accepts, by server-side apply', async () => {
    const state = await adapter.apply({
      name: 'classifier',
      runtime: 'kserve-sklearnserver',
      minReplicas: 1,
      maxReplicas: 3,
      resources: { limits: { cpu: '1', memory: '2Gi' } },
      traffic: [v1],
    });

    expect(state).toEqual({
      name: 'classifier',
      cluster: clusterName,
      namespace,
      url: null,
      state: 'Unknown',
      conditions: [],
      traffic: [],
    });
    const stored = await isvc('classifier');
    expect(stored?.spec).toEqual({
      predictor: {
        minReplicas: 1,
        maxReplicas: 3,
        model: {
          modelFormat: { name: 'sklearn' },
          storageUri: 's3://models/classifier/1',
          runtime: 'kserve-sklearnserver',
          resources: { limits: { cpu: '1', memory: '2Gi' } },
        },
      },
    });
    expect(stored?.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'llm-ops',
      'llm-ops/cluster': clusterName,
    });
    expect(stored?.metadata?.annotations).toEqual({
      'llm-ops/model-version-id': 'mv-1',
      'llm-ops/stable-model-version-id': 'mv-1',
    });
    const managers = (stored?.metadata as any).managedFields.map(
      (f: any) => `${f.manager}/${f.operation}`,
    );
    expect(managers).toEqual(['llm-ops/Apply']);

    // Applying the same endpoint again changes nothing.
    await adapter.apply({
      name: 'classifier',
      runtime: 'kserve-sklearnserver',
      minReplicas: 1,
      maxReplicas: 3,
      resources: { limits: { cpu: '1', memory: '2Gi' } },
      traffic: [v1],
    });
    expect((await isvc('classifier'))?.metadata?.generation).toBe(
      stored?.metadata?.generation,
    );
  });

  it('gets a permanent 4xx, and creates nothing, for an InferenceService the CRD rejects', async () => {
    const error = await rejection(
      adapter.apply({
        name: 'invalid-replicas',
        minReplicas: 1.5,
        traffic: [v1],
      }),
    );
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error.status).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.causes.map((c: any) => c.field)).toContain(
      'spec.predictor.minReplicas',
    );
    expect(error.message).toContain(`Kubernetes cluster '${clusterName}'`);
    expect(await isvc('invalid-replicas')).toBeUndefined();

    const quantity = await rejection(
      adapter.apply({
        name: 'invalid-quantity',
        resources: { limits: { memory: 'lots' } },
        traffic: [v1],
      }),
    );
    expect(quantity.status).toBe(422);
    expect(await isvc('invalid-quantity')).toBeUndefined();
  });

  it("refuses what KServe's webhook would refuse, which this server has not got", async () => {
    // The CRD takes minReplicas -1; KServe's validation webhook does not. The adapter checks it.
    const error = await rejection(
      adapter.apply({ name: 'negative', minReplicas: -1, traffic: [v1] }),
    );
    expect(error).toBeInstanceOf(KubernetesAdapterError);
    expect(error.status).toBe(400);
    expect(await isvc('negative')).toBeUndefined();
  });

  it('maps a canary onto canaryTrafficPercent with the new model in the predictor, then promotes and rolls back', async () => {
    await adapter.apply({ name: 'rollout', traffic: [v1] });

    await adapter.apply({
      name: 'rollout',
      traffic: [stable(v1, 90), canary(v2, 10)],
    });
    let stored = await isvc('rollout');
    expect(stored?.spec.predictor).toEqual({
      canaryTrafficPercent: 10,
      model: {
        modelFormat: { name: 'sklearn' },
        storageUri: 's3://models/classifier/2',
      },
    });
    expect(stored?.metadata?.annotations).toEqual({
      'llm-ops/model-version-id': 'mv-2',
      'llm-ops/stable-model-version-id': 'mv-1',
      'llm-ops/canary-model-version-id': 'mv-2',
    });

    // A new share for the same canary.
    await adapter.apply({
      name: 'rollout',
      traffic: [stable(v1, 70), canary(v2, 30)],
    });
    expect((await isvc('rollout'))?.spec.predictor.canaryTrafficPercent).toBe(
      30,
    );

    // Promote: the canary's model with all the traffic; server-side apply drops the percent.
    await adapter.apply({ name: 'rollout', traffic: [stable(v2)] });
    stored = await isvc('rollout');
    expect(stored?.spec.predictor).toEqual({
      model: {
        modelFormat: { name: 'sklearn' },
        storageUri: 's3://models/classifier/2',
      },
    });
    expect(stored?.metadata?.annotations).toEqual({
      'llm-ops/model-version-id': 'mv-2',
      'llm-ops/stable-model-version-id': 'mv-2',
    });

    // Another canary, then rollback: the stable model again, no percent, no canary annotation.
    await adapter.apply({
      name: 'rollout',
      traffic: [stable(v2, 80), canary(v3, 20)],
    });
    expect((await isvc('rollout'))?.spec.predictor.model.storageUri).toBe(
      's3://models/classifier/3',
    );
    await adapter.apply({ name: 'rollout', traffic: [stable(v2)] });
    stored = await isvc('rollout');
    expect(stored?.spec.predictor).toEqual({
      model: {
        modelFormat: { name: 'sklearn' },
        storageUri: 's3://models/classifier/2',
      },
    });
    expect(stored?.metadata?.annotations).toEqual({
      'llm-ops/model-version-id': 'mv-2',
      'llm-ops/stable-model-version-id': 'mv-2',
    });
  });

  it('refuses a canary that KServe would not split with the intended stable version (409)', async () => {
    const missing = await rejection(
      adapter.apply({
        name: 'no-such-endpoint',
        traffic: [stable(v1, 90), canary(v2, 10)],
      }),
    );
    expect(missing.status).toBe(409);
    expect(await isvc('no-such-endpoint')).toBeUndefined();

    await adapter.apply({ name: 'other-stable', traffic: [v1] });
    const wrongStable = await rejection(
      adapter.apply({
        name: 'other-stable',
        traffic: [stable(v2, 90), canary(v3, 10)],
      }),
    );
    expect(wrongStable.status).toBe(409);
    expect(wrongStable.message).toContain('mv-1');
    expect((await isvc('other-stable'))?.spec.predictor.model.storageUri).toBe(
      's3://models/classifier/1',
    );
  });

  it('reports the status the KServe controller writes, through list() and watch()', async () => {
    await adapter.apply({ name: 'observed', traffic: [v1] });
    await adapter.apply({
      name: 'observed',
      traffic: [stable(v1, 90), canary(v2, 10)],
    });

    const changes: Array<{ state: ServedEndpointState; deleted: boolean }> = [];
    const controller = new AbortController();
    const watching = adapter.watch(
      (state, deleted) => changes.push({ state, deleted }),
      controller.signal,
    );
    // The initial list reports what exists.
    await waitFor(
      () => changes.find(c => c.state.name === 'observed'),
      'the initial report of observed',
    );

    // What the controller writes after rolling out revision 2 next to revision 1.
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await admin.mergePatch(
      INFERENCE_SERVICES,
      { namespace, name: 'observed' },
      {
        status: {
          url: `http://observed.${namespace}.example.com`,
          observedGeneration: 2,
          conditions: [
            { type: 'IngressReady', status: 'True', lastTransitionTime: now },
            { type: 'PredictorReady', status: 'True', lastTransitionTime: now },
            { type: 'Ready', status: 'True', lastTransitionTime: now },
          ],
          components: {
            predictor: {
              url: `http://observed-predictor.${namespace}.example.com`,
              latestCreatedRevision: 'observed-predictor-00002',
              latestReadyRevision: 'observed-predictor-00002',
              latestRolledoutRevision: 'observed-predictor-00001',
              previousRolledoutRevision: 'observed-predictor-00001',
              traffic: [
                {
                  tag: 'prev',
                  revisionName: 'observed-predictor-00001',
                  latestRevision: false,
                  percent: 90,
                },
                {
                  tag: 'latest',
                  revisionName: 'observed-predictor-00002',
                  latestRevision: true,
                  percent: 10,
                },
              ],
            },
          },
        },
      },
      { subresource: 'status' },
    );

    const expected: ServedEndpointState = {
      name: 'observed',
      cluster: clusterName,
      namespace,
      url: `http://observed.${namespace}.example.com`,
      state: 'Ready',
      conditions: [
        { type: 'IngressReady', status: 'True', lastTransitionTime: now },
        { type: 'PredictorReady', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: 'True', lastTransitionTime: now },
      ],
      traffic: [
        {
          revision: 'observed-predictor-00001',
          percent: 90,
          role: 'stable',
          modelVersionId: 'mv-1',
        },
        {
          revision: 'observed-predictor-00002',
          percent: 10,
          role: 'canary',
          modelVersionId: 'mv-2',
        },
      ],
      latestReadyRevision: 'observed-predictor-00002',
      latestRolledOutRevision: 'observed-predictor-00001',
    };
    const watched = await waitFor(
      () =>
        changes.find(
          c => c.state.name === 'observed' && c.state.state === 'Ready',
        ),
      'the watch to report the status',
    );
    expect(watched).toEqual({ state: expected, deleted: false });
    expect((await adapter.list()).find(s => s.name === 'observed')).toEqual(
      expected,
    );

    // The controller reports a failure; the watch passes it on.
    await admin.mergePatch(
      INFERENCE_SERVICES,
      { namespace, name: 'observed' },
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'RevisionFailed',
              message: 'Revision "observed-predictor-00002" failed',
              lastTransitionTime: now,
            },
          ],
        },
      },
      { subresource: 'status' },
    );
    const failed = await waitFor(
      () =>
        changes.find(
          c => c.state.name === 'observed' && c.state.state === 'NotReady',
        ),
      'the watch to report NotReady',
    );
    expect(failed.state.conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'RevisionFailed',
        message: 'Revision "observed-predictor-00002" failed',
        lastTransitionTime: now,
      },
    ]);

    // Removal comes as deleted.
    await adapter.remove({ name: 'observed' });
    await waitFor(
      () => changes.find(c => c.state.name === 'observed' && c.deleted),
      'the watch to report the deletion',
    );

    controller.abort();
    await expect(watching).resolves.toBeUndefined();
  });

  it('keeps watching across the ends of watch requests', async () => {
    const shortWatches = new KServeServingAdapter({
      client: KubernetesClusterClient.fromCluster(
        kubeconfigCluster(clusterName, namespace),
      ),
      watch: { timeoutSeconds: 1 },
    });
    const requests = jest.spyOn(Watch.prototype, 'watch');
    const changes: ServedEndpointState[] = [];
    const controller = new AbortController();
    const watching = shortWatches.watch(
      state => changes.push(state),
      controller.signal,
    );
    try {
      await sleep(2_500); // the server ends each watch request after a second
      expect(requests.mock.calls.length).toBeGreaterThanOrEqual(2);
      await shortWatches.apply({ name: 'late', traffic: [v1] });
      await waitFor(
        () => changes.find(s => s.name === 'late'),
        'the change after the reconnects',
      );
    } finally {
      controller.abort();
      requests.mockRestore();
    }
    await expect(watching).resolves.toBeUndefined();
    // Resumed from the last resourceVersion: no relist, so 'late' came once, as a change.
    expect(changes.filter(s => s.name === 'late')).toHaveLength(1);
  });

  it('removes idempotently, and leaves InferenceServices it does not manage alone', async () => {
    await adapter.apply({ name: 'to-remove', traffic: [v1] });
    await adapter.remove({ name: 'to-remove' });
    expect(await isvc('to-remove')).toBeUndefined();
    await expect(
      adapter.remove({ name: 'to-remove' }),
    ).resolves.toBeUndefined();

    await admin.create(INFERENCE_SERVICES, namespace, {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'foreign' },
      spec: {
        predictor: {
          model: { modelFormat: { name: 'onnx' }, storageUri: 's3://x' },
        },
      },
    });
    expect((await rejection(adapter.remove({ name: 'foreign' }))).status).toBe(
      409,
    );
    expect(
      (await rejection(adapter.apply({ name: 'foreign', traffic: [v1] })))
        .status,
    ).toBe(409);
    expect((await isvc('foreign'))?.spec.predictor.model.storageUri).toBe(
      's3://x',
    );
    expect((await adapter.list()).map(s => s.name)).not.toContain('foreign');
  });

  it('refuses an endpoint of another cluster', async () => {
    const error = await rejection(
      adapter.apply({ name: 'x', cluster: 'elsewhere', traffic: [v1] }),
    );
    expect(error.status).toBe(400);
  });

  it('gives one adapter per cluster entry; each lists its own InferenceServices', async () => {
    const nsA = uniqueName('ns-a');
    const nsB = uniqueName('ns-b');
    const adapters = KServeServingAdapter.fromConfig(
      new ConfigReader({
        llmOps: {
          kubernetes: {
            clusters: [
              kubeconfigCluster(`${clusterName}-a`, nsA),
              inlineCluster(`${clusterName}-b`, nsB),
            ],
          },
        },
      }),
    );
    expect(adapters.map(a => a.id)).toEqual([
      `kserve:${clusterName}-a`,
      `kserve:${clusterName}-b`,
    ]);
    const [a, b] = adapters;
    await a.apply({ name: 'shared-name', traffic: [v1] });
    await b.apply({ name: 'shared-name', traffic: [v2] });
    await b.apply({ name: 'only-b', traffic: [v2] });

    const listedA = await a.list();
    const listedB = await b.list();
    expect(listedA.map(s => [s.cluster, s.namespace, s.name])).toEqual([
      [`${clusterName}-a`, nsA, 'shared-name'],
    ]);
    expect(listedB.map(s => [s.cluster, s.namespace, s.name]).sort()).toEqual([
      [`${clusterName}-b`, nsB, 'only-b'],
      [`${clusterName}-b`, nsB, 'shared-name'],
    ]);
    expect((await a.checkHealth()).state).toBe('up');
    expect((await b.checkHealth()).state).toBe('up');
  });

  it('reports an unreachable cluster as an error without a 4xx status', async () => {
    const port = await closedPort();
    const unreachable = new KServeServingAdapter({
      client: KubernetesClusterClient.fromCluster({
        ...inlineCluster('unreachable'),
        url: `https://127.0.0.1:${port}`,
      }),
    });
    for (const call of [
      () => unreachable.apply({ name: 'x', traffic: [v1] }),
      () => unreachable.list(),
      () => unreachable.remove({ name: 'x' }),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(KubernetesRequestError);
      expect(error.status).toBeUndefined();
      expect(error.message).toContain('ECONNREFUSED');
    }
    const health = await unreachable.checkHealth();
    expect(health.state).toBe('down');
    expect(health.lastError).toContain('ECONNREFUSED');
  });

  it('keeps retrying a watch of an unreachable cluster until aborted', async () => {
    const port = await closedPort();
    const warnings: string[] = [];
    const unreachable = new KServeServingAdapter({
      client: KubernetesClusterClient.fromCluster({
        ...inlineCluster('unreachable'),
        url: `https://127.0.0.1:${port}`,
      }),
      logger: { warn: (m: string) => warnings.push(m) } as any,
      watch: { backoff: { initialMs: 20, maxMs: 100 } },
    });
    const controller = new AbortController();
    const watching = unreachable.watch(() => {}, controller.signal);
    await waitFor(() => warnings.length >= 3, 'three failed attempts');
    controller.abort();
    await expect(watching).resolves.toBeUndefined();
    expect(warnings[0]).toContain('ECONNREFUSED');
  });
});
