import { TestDatabases } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import {
  adminClient,
  describeWithKube,
  inlineCluster,
  kubeconfigCluster,
  kubeconfigPath,
  uniqueName,
} from '../__testUtils__/kube';
import { INFERENCE_SERVICES } from '../adapter/inferenceService';
import {
  createModelVersions,
  startWithKserve,
  SwitchableProxy,
} from './__testUtils__/llmOpsBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15'],
  disableDocker: true,
});

const admin = () => adminClient();

const isvc = (namespace: string, name: string) =>
  admin().get(INFERENCE_SERVICES, { namespace, name });

/** Polls `read` until `check` accepts what it answered; fails after `timeoutMs`. */
async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(
          value,
        ).slice(0, 2000)}`,
      );
    }
    await new Promise(done => setTimeout(done, 200));
  }
}

const seconds = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** The status the KServe controller writes once revisions are rolled out (Serverless mode). */
async function writeStatus(
  namespace: string,
  name: string,
  options: {
    ready: boolean;
    traffic: Array<{ revision: string; percent: number; latest: boolean }>;
  },
) {
  const now = seconds();
  const latest = options.traffic.find(t => t.latest)?.revision;
  const previous = options.traffic.find(t => !t.latest)?.revision;
  await admin().mergePatch(
    INFERENCE_SERVICES,
    { namespace, name },
    {
      status: {
        url: `http://${name}.${namespace}.example.com`,
        conditions: [
          { type: 'PredictorReady', status: 'True', lastTransitionTime: now },
          {
            type: 'Ready',
            status: options.ready ? 'True' : 'False',
            lastTransitionTime: now,
            ...(options.ready
              ? {}
              : { reason: 'RevisionFailed', message: 'The revision failed' }),
          },
        ],
        components: {
          predictor: {
            latestCreatedRevision: latest,
            latestReadyRevision: latest,
            latestRolledoutRevision: previous ?? latest,
            traffic: options.traffic.map(t => ({
              tag: t.latest ? 'latest' : 'prev',
              revisionName: t.revision,
              latestRevision: t.latest,
              percent: t.percent,
            })),
          },
        },
      },
    },
    { subresource: 'status' },
  );
}

describeWithKube(
  'llm-ops endpoints on KServe through the real API server',
  () => {
    it('deploys, canaries, rolls back, promotes, scales and deletes an InferenceService; the watch brings its status back', async () => {
      const cluster = uniqueName('kc');
      const namespace = uniqueName('ns');
      const it = await startWithKserve({
        databases,
        databaseId: 'POSTGRES_15',
        clusters: [kubeconfigCluster(cluster, namespace)],
      });
      try {
        const model = uniqueName('model');
        const [v1, v2, v3] = await createModelVersions(it.api, model, 3);
        const name = uniqueName('chat');

        // Create with an initial version: the InferenceService exists, validated by the real CRD.
        const created = await it.api.post('/endpoints', {
          name,
          runtime: 'kserve',
          modelVersionId: v1.id,
        });
        expect(created.status).toBe(201);
        expect(created.body.data).toMatchObject({
          name,
          runtime: 'kserve',
          modelFormat: 'huggingface',
          cluster,
          namespace,
          source: { integration: `kserve:${cluster}` },
          desired: {
            traffic: [{ modelVersionId: v1.id, percent: 100, role: 'stable' }],
          },
        });
        expect(created.body.data.source.externalId).toBe(
          `${namespace}/${name}`,
        );
        let object = await isvc(namespace, name);
        expect(object?.metadata?.labels).toMatchObject({
          'app.kubernetes.io/managed-by': 'llm-ops',
          'llm-ops/cluster': cluster,
        });
        expect(object?.metadata?.annotations).toMatchObject({
          'llm-ops/model-version-id': v1.id,
          'llm-ops/stable-model-version-id': v1.id,
        });
        expect(object?.spec?.predictor).toMatchObject({
          minReplicas: 1,
          maxReplicas: 1,
          model: {
            modelFormat: { name: 'huggingface' },
            storageUri: v1.artifactUri,
          },
        });

        // KServe reports the rollout; the watch brings it into the endpoint.
        await writeStatus(namespace, name, {
          ready: true,
          traffic: [
            { revision: `${name}-predictor-00001`, percent: 100, latest: true },
          ],
        });
        const ready = await eventually(
          async () => (await it.api.get(`/endpoints/${name}`)).body.data,
          e => e.observed.state === 'Ready',
          'the endpoint to be Ready',
        );
        expect(ready.url).toBe(`http://${name}.${namespace}.example.com`);
        expect(ready.observed).toMatchObject({
          latestReadyRevision: `${name}-predictor-00001`,
          traffic: [
            {
              modelVersionId: v1.id,
              modelName: model,
              version: '1',
              percent: 100,
              role: 'stable',
            },
          ],
        });
        expect(ready.observed.conditions).toContainEqual(
          expect.objectContaining({ type: 'Ready', status: 'True' }),
        );

        // A canary: the predictor runs the new version with canaryTrafficPercent.
        const canary = await it.api.post(`/endpoints/${name}/deploy`, {
          modelVersionId: v2.id,
          canaryPercent: 10,
        });
        expect(canary.status).toBe(200);
        object = await isvc(namespace, name);
        expect(object?.spec?.predictor).toMatchObject({
          canaryTrafficPercent: 10,
          model: { storageUri: v2.artifactUri },
        });
        expect(object?.metadata?.annotations).toMatchObject({
          'llm-ops/stable-model-version-id': v1.id,
          'llm-ops/canary-model-version-id': v2.id,
        });
        await writeStatus(namespace, name, {
          ready: true,
          traffic: [
            { revision: `${name}-predictor-00001`, percent: 90, latest: false },
            { revision: `${name}-predictor-00002`, percent: 10, latest: true },
          ],
        });
        const split = await eventually(
          async () => (await it.api.get(`/endpoints/${name}`)).body.data,
          e => e.observed.traffic.length === 2,
          'the 90/10 split to be observed',
        );
        expect(split.observed.traffic).toEqual([
          {
            modelVersionId: v1.id,
            modelName: model,
            version: '1',
            percent: 90,
            role: 'stable',
            revision: `${name}-predictor-00001`,
          },
          {
            modelVersionId: v2.id,
            modelName: model,
            version: '2',
            percent: 10,
            role: 'canary',
            revision: `${name}-predictor-00002`,
          },
        ]);

        // Rollback: the stable model again, no canaryTrafficPercent.
        expect((await it.api.post(`/endpoints/${name}/rollback`)).status).toBe(
          200,
        );
        object = await isvc(namespace, name);
        expect(object?.spec?.predictor?.canaryTrafficPercent).toBeUndefined();
        expect(object?.spec?.predictor?.model?.storageUri).toBe(v1.artifactUri);

        // Another canary, promoted: the new version alone.
        expect(
          (
            await it.api.post(`/endpoints/${name}/deploy`, {
              modelVersionId: v3.id,
              canaryPercent: 30,
            })
          ).status,
        ).toBe(200);
        expect(
          (await isvc(namespace, name))?.spec?.predictor?.canaryTrafficPercent,
        ).toBe(30);
        const promoted = await it.api.post(`/endpoints/${name}/promote`);
        expect(promoted.status).toBe(200);
        expect(promoted.body.data.desired.traffic).toEqual([
          expect.objectContaining({ modelVersionId: v3.id, percent: 100 }),
        ]);
        object = await isvc(namespace, name);
        expect(object?.spec?.predictor?.canaryTrafficPercent).toBeUndefined();
        expect(object?.spec?.predictor?.model?.storageUri).toBe(v3.artifactUri);
        expect(object?.metadata?.annotations).toMatchObject({
          'llm-ops/stable-model-version-id': v3.id,
        });

        // Scale, and a model format of its own.
        const scaled = await it.api.patch(`/endpoints/${name}`, {
          minReplicas: 2,
          maxReplicas: 4,
          modelFormat: 'vllm',
        });
        expect(scaled.status).toBe(200);
        expect(scaled.body.data).toMatchObject({
          modelFormat: 'vllm',
          desired: { minReplicas: 2, maxReplicas: 4 },
        });
        expect((await isvc(namespace, name))?.spec?.predictor).toMatchObject({
          minReplicas: 2,
          maxReplicas: 4,
          model: { modelFormat: { name: 'vllm' } },
        });
        // A deployed endpoint does not move.
        const moved = await it.api.patch(`/endpoints/${name}`, {
          namespace: 'elsewhere',
        });
        expect(moved.status).toBe(409);

        // Delete removes the InferenceService.
        const deleted = await it.api.delete(`/endpoints/${name}`);
        expect(deleted.status).toBe(200);
        expect(await isvc(namespace, name)).toBeUndefined();
        expect((await it.api.get(`/endpoints/${name}`)).status).toBe(404);
      } finally {
        await it.stop();
      }
    });

    it('answers the API server’s refusals with the matching error and writes nothing; a deletion outside llm-ops shows', async () => {
      const cluster = uniqueName('kc');
      const namespace = uniqueName('ns');
      const it = await startWithKserve({
        databases,
        databaseId: 'POSTGRES_15',
        clusters: [kubeconfigCluster(cluster, namespace)],
      });
      try {
        const [v1, v2] = await createModelVersions(
          it.api,
          uniqueName('model'),
          2,
        );
        // Someone else's InferenceService of the same name: the adapter refuses (409).
        const foreign = uniqueName('foreign');
        await admin().apply(
          INFERENCE_SERVICES,
          { namespace, name: foreign },
          {
            apiVersion: 'serving.kserve.io/v1beta1',
            kind: 'InferenceService',
            metadata: { name: foreign, namespace },
            spec: {
              predictor: {
                model: {
                  modelFormat: { name: 'sklearn' },
                  storageUri: 's3://x/y',
                },
              },
            },
          },
        );
        const refused = await it.api.post('/endpoints', {
          name: foreign,
          runtime: 'kserve',
          modelVersionId: v1.id,
        });
        expect(refused.status).toBe(409);
        expect(refused.body.message).toContain('not managed by llm-ops');
        expect((await it.api.get(`/endpoints/${foreign}`)).status).toBe(404);
        expect(
          (await isvc(namespace, foreign))?.spec?.predictor?.model?.storageUri,
        ).toBe('s3://x/y');

        // A cluster no adapter serves is a 400 naming cluster.
        const unknown = await it.api.post('/endpoints', {
          name: uniqueName('nowhere'),
          runtime: 'kserve',
          cluster: 'no-such-cluster',
        });
        expect(unknown.status).toBe(400);
        expect(unknown.body.data.error.field).toBe('cluster');

        // A canary refused by the adapter leaves the desired traffic as it was.
        const name = uniqueName('svc');
        expect(
          (
            await it.api.post('/endpoints', {
              name,
              runtime: 'kserve',
              modelVersionId: v1.id,
            })
          ).status,
        ).toBe(201);
        await admin().mergePatch(
          INFERENCE_SERVICES,
          { namespace, name },
          {
            metadata: {
              annotations: {
                'llm-ops/stable-model-version-id': 'someone-else',
              },
            },
          },
        );
        const canary = await it.api.post(`/endpoints/${name}/deploy`, {
          modelVersionId: v2.id,
          canaryPercent: 10,
        });
        expect(canary.status).toBe(409);
        expect(
          (await it.api.get(`/endpoints/${name}`)).body.data.desired.traffic,
        ).toEqual([expect.objectContaining({ modelVersionId: v1.id })]);

        // Deleted on the cluster behind llm-ops' back: the endpoint says so.
        await admin().delete(INFERENCE_SERVICES, { namespace, name });
        const gone = await eventually(
          async () => (await it.api.get(`/endpoints/${name}`)).body.data,
          e => e.observed.conditions[0]?.reason === 'NotFound',
          'the deletion to be observed',
        );
        expect(gone.observed).toMatchObject({ state: 'NotReady', traffic: [] });
        // Deploying again recreates it.
        expect(
          (
            await it.api.post(`/endpoints/${name}/deploy`, {
              modelVersionId: v2.id,
            })
          ).status,
        ).toBe(200);
        expect(
          (await isvc(namespace, name))?.spec?.predictor?.model?.storageUri,
        ).toBe(v2.artifactUri);
        await it.api.delete(`/endpoints/${name}`);
      } finally {
        await admin()
          .list(INFERENCE_SERVICES, { namespace })
          .then(({ items }) =>
            Promise.all(
              items.map(i =>
                admin().delete(INFERENCE_SERVICES, {
                  namespace,
                  name: i.metadata!.name!,
                }),
              ),
            ),
          );
        await it.stop();
      }
    });

    it('keeps endpoints of two clusters apart, each with its cluster and namespace', async () => {
      const east = uniqueName('east');
      const west = uniqueName('west');
      const eastNs = uniqueName('ns-e');
      const westNs = uniqueName('ns-w');
      const it = await startWithKserve({
        databases,
        databaseId: 'POSTGRES_15',
        // Two cluster entries (the same API server, told apart by the llm-ops/cluster label).
        clusters: [
          kubeconfigCluster(east, eastNs),
          inlineCluster(west, westNs),
        ],
      });
      try {
        const [v1] = await createModelVersions(it.api, uniqueName('model'), 1);
        const ambiguous = await it.api.post('/endpoints', {
          name: uniqueName('where'),
          runtime: 'kserve',
          modelVersionId: v1.id,
        });
        expect(ambiguous.status).toBe(400);
        expect(ambiguous.body.message).toContain('Several kserve clusters');
        expect(ambiguous.body.data.error.field).toBe('cluster');

        const a = uniqueName('a');
        const b = uniqueName('b');
        const customNs = uniqueName('ns-c');
        const ea = await it.api.post('/endpoints', {
          name: a,
          runtime: 'kserve',
          cluster: east,
          modelVersionId: v1.id,
        });
        const eb = await it.api.post('/endpoints', {
          name: b,
          runtime: 'kserve',
          cluster: west,
          namespace: customNs,
          modelVersionId: v1.id,
        });
        expect(ea.status).toBe(201);
        expect(eb.status).toBe(201);
        expect(ea.body.data).toMatchObject({
          cluster: east,
          namespace: eastNs,
          source: { integration: `kserve:${east}` },
        });
        expect(eb.body.data).toMatchObject({
          cluster: west,
          namespace: customNs,
          source: { integration: `kserve:${west}` },
        });
        expect(
          (await isvc(eastNs, a))?.metadata?.labels?.['llm-ops/cluster'],
        ).toBe(east);
        expect(
          (await isvc(customNs, b))?.metadata?.labels?.['llm-ops/cluster'],
        ).toBe(west);

        await writeStatus(eastNs, a, {
          ready: true,
          traffic: [
            { revision: `${a}-predictor-00001`, percent: 100, latest: true },
          ],
        });
        await writeStatus(customNs, b, {
          ready: false,
          traffic: [],
        });
        const list = await eventually(
          async () =>
            (
              await it.api.get('/endpoints?pageSize=100')
            ).body.data.items.filter((e: any) => e.name === a || e.name === b),
          (items: any[]) =>
            items.find(e => e.name === a)?.observed.state === 'Ready' &&
            items.find(e => e.name === b)?.observed.state === 'NotReady',
          'both clusters to report',
        );
        expect(list.find((e: any) => e.name === a)).toMatchObject({
          cluster: east,
          namespace: eastNs,
          url: `http://${a}.${eastNs}.example.com`,
        });
        expect(list.find((e: any) => e.name === b)).toMatchObject({
          cluster: west,
          namespace: customNs,
          url: `http://${b}.${customNs}.example.com`,
        });

        const integrations = (await it.api.get('/integrations')).body.data
          .items;
        expect(integrations.map((i: any) => i.id)).toEqual(
          expect.arrayContaining([`kserve:${east}`, `kserve:${west}`]),
        );
        expect((await it.api.delete(`/endpoints/${a}`)).status).toBe(200);
        expect((await it.api.delete(`/endpoints/${b}`)).status).toBe(200);
        expect(await isvc(eastNs, a)).toBeUndefined();
        expect(await isvc(customNs, b)).toBeUndefined();
      } finally {
        await it.stop();
      }
    });

    it('queues writes for an unreachable cluster (202, stale lists) and applies them in order once it is back', async () => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath!);
      const server = new URL(kc.getCurrentCluster()!.server);
      const proxy = new SwitchableProxy({
        host: server.hostname,
        port: Number(server.port),
      });
      await proxy.up();
      const flaky = uniqueName('flaky');
      const steady = uniqueName('steady');
      const flakyNs = uniqueName('ns-f');
      const steadyNs = uniqueName('ns-s');
      const it = await startWithKserve({
        databases,
        databaseId: 'POSTGRES_15',
        clusters: [
          { ...inlineCluster(flaky, flakyNs), url: proxy.url },
          kubeconfigCluster(steady, steadyNs),
        ],
      });
      try {
        const [v1, v2, v3] = await createModelVersions(
          it.api,
          uniqueName('model'),
          3,
        );
        const name = uniqueName('svc');
        const other = uniqueName('other');
        const doomed = uniqueName('doomed');
        for (const [endpoint, cluster] of [
          [name, flaky],
          [doomed, flaky],
          [other, steady],
        ]) {
          expect(
            (
              await it.api.post('/endpoints', {
                name: endpoint,
                runtime: 'kserve',
                cluster,
                modelVersionId: v1.id,
              })
            ).status,
          ).toBe(201);
        }
        await writeStatus(flakyNs, name, {
          ready: true,
          traffic: [
            { revision: `${name}-predictor-00001`, percent: 100, latest: true },
          ],
        });
        await eventually(
          async () => (await it.api.get(`/endpoints/${name}`)).body.data,
          e => e.observed.state === 'Ready',
          'the endpoint on the flaky cluster to be Ready',
        );
        expect((await it.api.get('/endpoints')).body.data.freshness.stale).toBe(
          false,
        );

        // The cluster goes away.
        await proxy.down();
        const deploy = await it.api.post(`/endpoints/${name}/deploy`, {
          modelVersionId: v2.id,
        });
        expect(deploy.status).toBe(202);
        expect(deploy.body.data.outbox).toMatchObject({
          state: 'pending',
          integration: `kserve:${flaky}`,
        });
        expect(deploy.body.data.resource.desired.traffic).toEqual([
          expect.objectContaining({ modelVersionId: v2.id, percent: 100 }),
        ]);
        // Queued behind it, in order: a canary, and a delete.
        const canary = await it.api.post(`/endpoints/${name}/deploy`, {
          modelVersionId: v3.id,
          canaryPercent: 25,
        });
        expect(canary.status).toBe(202);
        const removal = await it.api.delete(`/endpoints/${doomed}`);
        expect(removal.status).toBe(202);
        expect((await it.api.get(`/endpoints/${doomed}`)).status).toBe(404);
        await it.health(`kserve:${flaky}`)();

        const listed = (await it.api.get('/endpoints?pageSize=100')).body.data;
        expect(listed.freshness.stale).toBe(true);
        expect(listed.freshness.degradedIntegrations).toEqual([
          { id: `kserve:${flaky}`, since: expect.any(String) },
        ]);
        // The last known state stays.
        const known = listed.items.find((e: any) => e.name === name);
        expect(known.observed.state).toBe('Ready');
        expect(known.observed.traffic).toEqual([
          expect.objectContaining({ modelVersionId: v1.id, percent: 100 }),
        ]);
        const integration = (
          await it.api.get('/integrations')
        ).body.data.items.find((i: any) => i.id === `kserve:${flaky}`);
        expect(integration).toMatchObject({ state: 'down', outboxDepth: 3 });
        // The other cluster is not held up.
        expect(
          (
            await it.api.post(`/endpoints/${other}/deploy`, {
              modelVersionId: v2.id,
            })
          ).status,
        ).toBe(200);
        // A relay pass while it is down replays nothing.
        await it.relay(`kserve:${flaky}`)();
        expect(
          (await isvc(flakyNs, name))?.spec?.predictor?.model?.storageUri,
        ).toBe(v1.artifactUri);

        // The cluster is back: the relay applies the queue in order.
        await proxy.up();
        await new Promise(done => setTimeout(done, 400)); // past the breaker's half-open delay
        await it.relay(`kserve:${flaky}`)();
        const object = await isvc(flakyNs, name);
        expect(object?.spec?.predictor).toMatchObject({
          canaryTrafficPercent: 25,
          model: { storageUri: v3.artifactUri },
        });
        expect(object?.metadata?.annotations).toMatchObject({
          'llm-ops/stable-model-version-id': v2.id,
          'llm-ops/canary-model-version-id': v3.id,
        });
        expect(await isvc(flakyNs, doomed)).toBeUndefined();
        expect(
          (await it.api.get(`/outbox/${deploy.body.data.outbox.id}`)).body.data
            .state,
        ).toBe('done');
        await it.health(`kserve:${flaky}`)();
        const after = (await it.api.get('/endpoints')).body.data.freshness;
        expect(after).toEqual({ stale: false, degradedIntegrations: [] });
        expect(
          (await it.api.get('/integrations')).body.data.items.find(
            (i: any) => i.id === `kserve:${flaky}`,
          ),
        ).toMatchObject({ state: 'up', outboxDepth: 0 });

        await it.api.delete(`/endpoints/${name}`);
        await it.api.delete(`/endpoints/${other}`);
      } finally {
        await it.stop();
        await proxy.down();
      }
    });
  },
);
