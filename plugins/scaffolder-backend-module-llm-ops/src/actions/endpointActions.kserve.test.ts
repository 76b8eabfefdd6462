import {
  actionContext,
  checkpointStore,
  createTestDatabases,
  seedModel,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import {
  adminClient,
  describeWithKube,
  eventually,
  INFERENCE_SERVICES,
  kubeName,
  startLlmOpsOnKube,
} from '../__testUtils__/kube';
import { createEndpointDeployAction } from './endpointDeploy';
import {
  createEndpointPromoteAction,
  createEndpointRollbackAction,
} from './endpointCanary';

jest.setTimeout(120_000);

/*
 * The endpoint actions end to end: the llm-ops backend with its KServe module applies what they
 * ask for as InferenceServices on the real Kubernetes API server (with KServe's CRD). There is no
 * KServe controller on the test server, so an InferenceService never becomes Ready by itself:
 * these tests assert the objects the actions create and change, and write the status a controller
 * would (its URL) where an output depends on it.
 */

const databases = createTestDatabases();
// The production engine when it is there; the cluster path does not depend on the database.
const databaseId = databases.supports('POSTGRES_15')
  ? 'POSTGRES_15'
  : 'SQLITE_3';

const OWNED_BY_LLM_OPS = 'app.kubernetes.io/managed-by';

describeWithKube(
  'the endpoint actions against llm-ops with KServe on the real API server',
  () => {
    const cluster = kubeName('scaff-kc');
    // The endpoints go to a namespace of their own, not the cluster's default: the action's
    // namespace input must reach the InferenceService.
    const defaultNamespace = kubeName('scaff-default');
    const namespace = kubeName('scaff-serving');
    let llmOps: LlmOpsTestBackend;
    let deploy: ReturnType<typeof createEndpointDeployAction>;
    let promote: ReturnType<typeof createEndpointPromoteAction>;
    let rollback: ReturnType<typeof createEndpointRollbackAction>;
    let model: string;
    let versions: Array<{ id: string; artifactUri: string }>;

    beforeAll(async () => {
      llmOps = await startLlmOpsOnKube({
        knex: await databases.init(databaseId),
        cluster,
        defaultNamespace,
      });
      deploy = createEndpointDeployAction(llmOps.actionOptions);
      promote = createEndpointPromoteAction(llmOps.actionOptions);
      rollback = createEndpointRollbackAction(llmOps.actionOptions);
      model = kubeName('bot');
      versions = (await seedModel(llmOps.api, model, 3)).versions;
    });

    afterAll(() => llmOps?.stop());

    const isvc = (name: string) =>
      adminClient().get(INFERENCE_SERVICES, { namespace, name });
    const isvcNames = async () =>
      (await adminClient().list(INFERENCE_SERVICES, { namespace })).items
        .map(i => i.metadata!.name!)
        .sort();

    /** Deploys version 1 to a new endpoint in `namespace`; returns its name. */
    const newEndpoint = async (label: string) => {
      const endpoint = kubeName(label);
      await deploy.handler(
        actionContext({
          model,
          version: '1',
          endpoint,
          runtime: 'kserve',
          cluster,
          namespace,
        }).ctx,
      );
      return endpoint;
    };

    /** A canary of `version` taking `percent`, through the deploy action. */
    const startCanary = (endpoint: string, version: string, percent: number) =>
      deploy.handler(
        actionContext({
          model,
          version,
          endpoint,
          runtime: 'kserve',
          canaryPercent: percent,
        }).ctx,
      );

    it('deploy creates the InferenceService: namespace, storageUri, replicas, ownership labels and annotations', async () => {
      const endpoint = kubeName('chat');
      const { ctx, outputs } = actionContext({
        model,
        version: '2',
        endpoint,
        runtime: 'kserve',
        cluster,
        namespace,
        minReplicas: 1,
        maxReplicas: 3,
        owner: 'group:default/ml-platform',
      });
      await deploy.handler(ctx);

      const object = await isvc(endpoint);
      expect(object?.metadata).toMatchObject({
        name: endpoint,
        namespace,
        labels: { [OWNED_BY_LLM_OPS]: 'llm-ops', 'llm-ops/cluster': cluster },
        annotations: {
          'llm-ops/model-version-id': versions[1].id,
          'llm-ops/stable-model-version-id': versions[1].id,
        },
      });
      expect(
        object?.metadata?.annotations?.['llm-ops/canary-model-version-id'],
      ).toBeUndefined();
      expect(object?.spec?.predictor).toEqual({
        minReplicas: 1,
        maxReplicas: 3,
        model: {
          modelFormat: { name: 'huggingface' },
          storageUri: versions[1].artifactUri,
        },
      });

      // The llm-ops endpoint names the object and keeps the catalog owner.
      const stored = await llmOps.api.get(`/v1/endpoints/${endpoint}`);
      expect(stored).toMatchObject({
        runtime: 'kserve',
        cluster,
        namespace,
        owner: 'group:default/ml-platform',
        source: {
          integration: `kserve:${cluster}`,
          externalId: `${namespace}/${endpoint}`,
        },
      });
      expect(outputs).toMatchObject({
        endpointId: stored.id,
        endpointName: endpoint,
        created: true,
        modelVersionId: versions[1].id,
        traffic: [
          { modelName: model, version: '2', percent: 100, role: 'stable' },
        ],
        entityRef: `endpoint:default/${endpoint}`,
        catalogUrl: `/catalog/default/endpoint/${endpoint}`,
      });
    });

    it('deploy with canaryPercent sets canaryTrafficPercent; a retried task does not apply again; rollback removes the canary', async () => {
      const endpoint = await newEndpoint('canary');
      const input = {
        model,
        version: '2',
        endpoint,
        runtime: 'kserve',
        canaryPercent: 20,
      };
      const checkpoints = checkpointStore();
      const taskId = `task-${endpoint}`;
      await deploy.handler(actionContext(input, { taskId, checkpoints }).ctx);

      const canary = await isvc(endpoint);
      expect(canary?.spec?.predictor).toMatchObject({
        canaryTrafficPercent: 20,
        model: { storageUri: versions[1].artifactUri },
      });
      expect(canary?.metadata?.annotations).toMatchObject({
        'llm-ops/model-version-id': versions[1].id,
        'llm-ops/stable-model-version-id': versions[0].id,
        'llm-ops/canary-model-version-id': versions[1].id,
      });

      // The task retried with its checkpoints: no call reaches the cluster, the object is as it was.
      await deploy.handler(actionContext(input, { taskId, checkpoints }).ctx);
      expect(checkpoints.runs).toEqual([
        'llm-ops.model-version',
        'llm-ops.endpoint-create',
        'llm-ops.endpoint-scale',
        'llm-ops.endpoint-deploy',
      ]);
      // Recovered after losing its checkpoints: it finds the canary in place and leaves it.
      await deploy.handler(actionContext(input, { taskId }).ctx);
      expect((await isvc(endpoint))?.metadata?.resourceVersion).toBe(
        canary?.metadata?.resourceVersion,
      );

      const { ctx, outputs } = actionContext({
        endpoint,
        expectedCanaryVersion: '2',
      });
      await rollback.handler(ctx);
      const rolledBack = await isvc(endpoint);
      expect(rolledBack?.spec?.predictor?.canaryTrafficPercent).toBeUndefined();
      expect(rolledBack?.spec?.predictor?.model?.storageUri).toBe(
        versions[0].artifactUri,
      );
      expect(
        rolledBack?.metadata?.annotations?.['llm-ops/canary-model-version-id'],
      ).toBeUndefined();
      expect(outputs).toMatchObject({
        version: '1',
        previousCanaryVersion: '2',
        traffic: [
          { modelName: model, version: '1', percent: 100, role: 'stable' },
        ],
      });
    });

    it('promote puts the canary alone in the predictor, outputs the URL KServe reports, and a retried task does not promote twice', async () => {
      const endpoint = await newEndpoint('promote');
      await startCanary(endpoint, '3', 30);
      expect((await isvc(endpoint))?.spec?.predictor).toMatchObject({
        canaryTrafficPercent: 30,
        model: { storageUri: versions[2].artifactUri },
      });

      // What the KServe controller would report (none runs here): the URL the endpoint serves at.
      const url = `http://${endpoint}.${namespace}.example.com`;
      await adminClient().mergePatch(
        INFERENCE_SERVICES,
        { namespace, name: endpoint },
        { status: { url } },
        { subresource: 'status' },
      );
      await eventually(
        () => llmOps.api.get(`/v1/endpoints/${endpoint}`),
        e => e.url === url,
        'the watch to bring the URL into the endpoint',
      );

      const input = { endpoint, expectedCanaryVersion: 3 };
      const checkpoints = checkpointStore();
      const taskId = `task-${endpoint}`;
      const first = actionContext(input, { taskId, checkpoints });
      await promote.handler(first.ctx);
      const promoted = await isvc(endpoint);
      expect(promoted?.spec?.predictor?.canaryTrafficPercent).toBeUndefined();
      expect(promoted?.spec?.predictor?.model?.storageUri).toBe(
        versions[2].artifactUri,
      );
      expect(promoted?.metadata?.annotations).toMatchObject({
        'llm-ops/model-version-id': versions[2].id,
        'llm-ops/stable-model-version-id': versions[2].id,
      });
      expect(first.outputs).toMatchObject({
        endpointName: endpoint,
        version: '3',
        previousCanaryVersion: '3',
        endpointUrl: url,
        traffic: [
          { modelName: model, version: '3', percent: 100, role: 'stable' },
        ],
        catalogUrl: `/catalog/default/endpoint/${endpoint}`,
      });

      // Without its checkpoint the retry would find no canary and fail; with it, it reports the
      // promotion it made and leaves the InferenceService alone.
      const retried = actionContext(input, { taskId, checkpoints });
      await promote.handler(retried.ctx);
      expect(checkpoints.runs).toEqual(['llm-ops.endpoint-promote']);
      expect(retried.outputs).toMatchObject({ version: '3' });
      expect((await isvc(endpoint))?.metadata?.resourceVersion).toBe(
        promoted?.metadata?.resourceVersion,
      );
    });

    it('dry runs of deploy, promote and rollback change nothing on the cluster', async () => {
      const endpoint = await newEndpoint('dry');
      await startCanary(endpoint, '2', 10);
      const before = await isvc(endpoint);
      const namesBefore = await isvcNames();

      const newOne = kubeName('dry-new');
      const dryDeploy = actionContext(
        {
          model,
          version: '1',
          endpoint: newOne,
          runtime: 'kserve',
          cluster,
          namespace,
        },
        { isDryRun: true },
      );
      await deploy.handler(dryDeploy.ctx);
      expect(dryDeploy.lines).toEqual([
        `info: Dry run: would create endpoint '${newOne}' on kserve in namespace ${namespace}, then serve ${model} v1 100% (stable)`,
      ]);
      for (const action of [promote, rollback]) {
        await action.handler(
          actionContext({ endpoint }, { isDryRun: true }).ctx,
        );
      }

      expect(await isvcNames()).toEqual(namesBefore);
      expect((await isvc(endpoint))?.metadata?.resourceVersion).toBe(
        before?.metadata?.resourceVersion,
      );
      expect((await llmOps.api.raw(`/v1/endpoints/${newOne}`)).status).toBe(
        404,
      );
    });

    it.each([
      ['a YAML document as the namespace', { namespace: 'ns\nkind: Secret' }],
      ['a shell command as the endpoint name', { endpoint: 'x; rm -rf /' }],
      ['an upper-case endpoint name', { endpoint: 'SupportBot' }],
      ['a shell command as the cluster', { cluster: 'kc;reboot' }],
    ])(
      'deploy refuses %s and creates no InferenceService',
      async (_what, override) => {
        const before = await isvcNames();
        const { ctx } = actionContext({
          model,
          version: '1',
          endpoint: kubeName('inj'),
          runtime: 'kserve',
          cluster,
          namespace,
          ...override,
        });
        await expect(deploy.handler(ctx)).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(
            /^Invalid input to llm-ops:endpoint:deploy, nothing was done: /,
          ),
        });
        expect(await isvcNames()).toEqual(before);
      },
    );
  },
);
