import {
  actionContext,
  checkpointStore,
  createTestDatabases,
  entityFor,
  seedModel,
  startLlmOps,
  uniqueName,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createEndpointDeployAction } from './endpointDeploy';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:endpoint:deploy against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let action: ReturnType<typeof createEndpointDeployAction>;
    let model: string;
    let versions: Array<{ id: string }>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      action = createEndpointDeployAction(llmOps.actionOptions);
      model = uniqueName('bot');
      const seeded = await seedModel(llmOps.api, model, 3);
      versions = seeded.versions;
      // The catalog entity has another name than the asset: the annotation links them.
      llmOps.entities.push({
        ...entityFor('Model', seeded.model),
        metadata: {
          name: 'support-bot-in-catalog',
          namespace: 'default',
          annotations: { 'llm-ops.io/id': seeded.model.id },
        },
      });
    });

    const endpointOf = (name: string) =>
      llmOps.api.get(`/v1/endpoints/${name}`);

    /** An endpoint serving version 1 with all the traffic. */
    const stableEndpoint = async () => {
      const name = uniqueName('ep');
      await llmOps.api.post('/v1/endpoints', {
        name,
        runtime: 'builtin',
        modelVersionId: versions[0].id,
      });
      return name;
    };

    it('creates a missing endpoint serving the version, with replicas, namespace and URL', async () => {
      const endpoint = uniqueName('ep');
      const { ctx, outputs, lines } = actionContext({
        model,
        version: '2',
        endpoint,
        runtime: 'builtin',
        cluster: 'gpu-east.example.com',
        namespace: 'ml-serving',
        minReplicas: 2,
        maxReplicas: 4,
        url: `https://${endpoint}.ml.example.com/v1`,
        owner: 'group:default/ml-platform',
      });
      await action.handler(ctx);

      const stored = await endpointOf(endpoint);
      expect(stored).toMatchObject({
        runtime: 'builtin',
        cluster: 'gpu-east.example.com',
        namespace: 'ml-serving',
        owner: 'group:default/ml-platform',
        desired: {
          minReplicas: 2,
          maxReplicas: 4,
          traffic: [
            { modelVersionId: versions[1].id, percent: 100, role: 'stable' },
          ],
        },
        observed: { state: 'Ready' },
      });
      expect(outputs).toEqual({
        endpointId: stored.id,
        endpointName: endpoint,
        traffic: [
          { modelName: model, version: '2', percent: 100, role: 'stable' },
        ],
        state: 'Ready',
        endpointUrl: `https://${endpoint}.ml.example.com/v1`,
        modelVersionId: versions[1].id,
        modelName: model,
        version: '2',
        created: true,
        entityRef: `endpoint:default/${endpoint}`,
        catalogUrl: `/catalog/default/endpoint/${endpoint}`,
      });
      expect(lines.join('\n')).toContain(
        `Endpoint '${endpoint}' serves ${model} v2 100% (stable); state Ready`,
      );
    });

    it('deploys the version an alias points at, the model picked as a catalog entity ref', async () => {
      const endpoint = await stableEndpoint();
      await llmOps.api.put(`/v1/models/${model}/aliases/champion`, {
        version: '3',
      });
      const { ctx, outputs } = actionContext({
        model: 'model:default/support-bot-in-catalog',
        alias: 'champion',
        endpoint,
        runtime: 'builtin',
      });
      await action.handler(ctx);
      expect((await endpointOf(endpoint)).desired.traffic).toMatchObject([
        { modelVersionId: versions[2].id, percent: 100, role: 'stable' },
      ]);
      expect(outputs).toMatchObject({ version: '3', created: false });
      await llmOps.api.put(`/v1/models/${model}/aliases/champion`, {
        version: '1',
      });
    });

    it('rolls a version out as a canary next to the stable one', async () => {
      const endpoint = await stableEndpoint();
      const { ctx, outputs } = actionContext({
        model,
        version: 2,
        endpoint,
        runtime: 'builtin',
        canaryPercent: 25,
      });
      await action.handler(ctx);
      expect(outputs.traffic).toEqual([
        { modelName: model, version: '1', percent: 75, role: 'stable' },
        { modelName: model, version: '2', percent: 25, role: 'canary' },
      ]);
      expect(outputs.canaryPercent).toBe(25);
    });

    it('rescales an existing endpoint', async () => {
      const endpoint = await stableEndpoint();
      await action.handler(
        actionContext({
          model,
          version: '1',
          endpoint,
          runtime: 'builtin',
          minReplicas: 0,
          maxReplicas: 5,
        }).ctx,
      );
      expect((await endpointOf(endpoint)).desired).toMatchObject({
        minReplicas: 0,
        maxReplicas: 5,
      });
    });

    it.each([
      ['a shell command as the endpoint name', { endpoint: 'x; rm -rf /' }],
      ['a YAML document as the endpoint name', { endpoint: 'a\nkind: Secret' }],
      [
        'template syntax in the endpoint name',
        { endpoint: 'ep-{{ secrets.token }}' },
      ],
      ['an upper-case endpoint name', { endpoint: 'SupportBot' }],
      ['a 64-character endpoint name', { endpoint: 'a'.repeat(64) }],
      ['a YAML document as the namespace', { namespace: 'ns\nkind: Secret' }],
      ['a shell command as the cluster', { cluster: 'east;reboot' }],
      ['a model name with a shell command', { model: 'bot && reboot' }],
      ['more than 100 replicas', { maxReplicas: 101 }],
      ['negative replicas', { minReplicas: -1 }],
      ['fractional replicas', { minReplicas: 1.5 }],
      ['minReplicas above maxReplicas', { minReplicas: 3, maxReplicas: 2 }],
      ['a canary of 0 percent', { canaryPercent: 0 }],
      ['a canary of 100 percent', { canaryPercent: 100 }],
      ['an unknown runtime', { runtime: 'docker' }],
      ['both version and alias', { alias: 'champion' }],
      ['neither version nor alias', { version: undefined }],
    ])('refuses %s and creates nothing', async (_what, override) => {
      const before = await llmOps.api.names('endpoints');
      const { ctx } = actionContext({
        model,
        version: '1',
        endpoint: uniqueName('ep'),
        runtime: 'builtin',
        ...override,
      });
      await expect(action.handler(ctx)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^Invalid input to llm-ops:endpoint:deploy, nothing was done: /,
        ),
      });
      expect(await llmOps.api.names('endpoints')).toEqual(before);
    });

    it.each([
      ['an unknown version', { version: '99' }, /has no version 99/],
      [
        'an unknown alias',
        { version: undefined, alias: 'nope' },
        /has no alias 'nope'/,
      ],
      [
        'a canary on a missing endpoint',
        { canaryPercent: 10 },
        /does not exist.*deploy without canaryPercent first/,
      ],
    ])('refuses %s and creates nothing', async (_what, override, message) => {
      const before = await llmOps.api.names('endpoints');
      const { ctx } = actionContext({
        model,
        version: '1',
        endpoint: uniqueName('ep'),
        runtime: 'builtin',
        ...override,
      });
      await expect(action.handler(ctx)).rejects.toThrow(message);
      expect(await llmOps.api.names('endpoints')).toEqual(before);
    });

    it('refuses to move an existing endpoint to another runtime or namespace', async () => {
      const endpoint = await stableEndpoint();
      const before = await endpointOf(endpoint);
      for (const override of [{ runtime: 'kserve' }, { namespace: 'other' }]) {
        const { ctx } = actionContext({
          model,
          version: '2',
          endpoint,
          runtime: 'builtin',
          ...override,
        });
        await expect(action.handler(ctx)).rejects.toThrow(
          /does not move an endpoint/,
        );
      }
      expect((await endpointOf(endpoint)).desired).toEqual(before.desired);
    });

    it('dry run reports the plan for a new endpoint and creates nothing', async () => {
      const endpoint = uniqueName('ep');
      const before = await llmOps.api.names('endpoints');
      const { ctx, outputs, lines } = actionContext(
        { model, alias: 'champion', endpoint, runtime: 'builtin' },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(lines).toEqual([
        `info: Dry run: would create endpoint '${endpoint}' on builtin, then serve ${model} v1 100% (stable)`,
      ]);
      expect(outputs).toMatchObject({
        endpointId: 'dry-run',
        created: true,
        traffic: [{ version: '1', percent: 100, role: 'stable' }],
      });
      expect(await llmOps.api.names('endpoints')).toEqual(before);
    });

    it('dry run of a canary leaves the traffic as it is', async () => {
      const endpoint = await stableEndpoint();
      const before = await endpointOf(endpoint);
      const { ctx, outputs } = actionContext(
        {
          model,
          version: '2',
          endpoint,
          runtime: 'builtin',
          canaryPercent: 10,
        },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(outputs.traffic).toEqual([
        { modelName: model, version: '1', percent: 90, role: 'stable' },
        { modelName: model, version: '2', percent: 10, role: 'canary' },
      ]);
      expect(await endpointOf(endpoint)).toEqual(before);
    });

    it('a retried task reuses its checkpoints: one endpoint, one rollout', async () => {
      const endpoint = await stableEndpoint();
      const input = {
        model,
        version: '2',
        endpoint,
        runtime: 'builtin',
        canaryPercent: 10,
      };
      const checkpoints = checkpointStore();
      await action.handler(
        actionContext(input, { taskId: 't1', checkpoints }).ctx,
      );
      const rolledOut = await endpointOf(endpoint);
      const second = actionContext(input, { taskId: 't1', checkpoints });
      await action.handler(second.ctx);
      expect(checkpoints.runs).toEqual([
        'llm-ops.model-version',
        'llm-ops.endpoint-create',
        'llm-ops.endpoint-scale',
        'llm-ops.endpoint-deploy',
      ]);
      const after = await endpointOf(endpoint);
      expect(after.observed.latestRolledOutRevision).toBe(
        rolledOut.observed.latestRolledOutRevision,
      );
      expect(second.outputs.traffic).toEqual([
        { modelName: model, version: '1', percent: 90, role: 'stable' },
        { modelName: model, version: '2', percent: 10, role: 'canary' },
      ]);
    });

    it('a task recovered after losing its checkpoints creates the endpoint once and does not roll out again', async () => {
      const endpoint = uniqueName('ep');
      const input = { model, version: '2', endpoint, runtime: 'builtin' };
      await action.handler(
        actionContext(input, { taskId: `t-${endpoint}` }).ctx,
      );
      const first = await endpointOf(endpoint);
      const second = actionContext(input, { taskId: `t-${endpoint}` });
      await action.handler(second.ctx);
      const after = await endpointOf(endpoint);
      expect(after.id).toBe(first.id);
      expect(after.observed.latestRolledOutRevision).toBe(
        first.observed.latestRolledOutRevision,
      );
      const all = await llmOps.api.names('endpoints');
      expect(all.filter(n => n === endpoint)).toHaveLength(1);
    });
  },
);
