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
import { createEndpointRollbackAction } from './endpointRollback';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:endpoint:rollback against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let action: ReturnType<typeof createEndpointRollbackAction>;
    let model: string;
    let versions: Array<{ id: string }>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      action = createEndpointRollbackAction(llmOps.actionOptions);
      model = uniqueName('bot');
      versions = (await seedModel(llmOps.api, model, 2)).versions;
    });

    const endpointOf = (name: string) =>
      llmOps.api.get(`/v1/endpoints/${name}`);

    /** An endpoint serving version 1, with version 2 as a 20% canary unless told otherwise. */
    const endpointWithCanary = async (canary = true) => {
      const name = uniqueName('ep');
      const endpoint = await llmOps.api.post('/v1/endpoints', {
        name,
        runtime: 'builtin',
        modelVersionId: versions[0].id,
      });
      if (canary) {
        await llmOps.api.post(`/v1/endpoints/${name}/deploy`, {
          modelVersionId: versions[1].id,
          canaryPercent: 20,
        });
      }
      return { name, id: endpoint.id as string };
    };

    it('rolls back the canary so that version 1 takes all the traffic', async () => {
      const endpoint = await endpointWithCanary();
      const { ctx, outputs, lines } = actionContext({
        endpoint: endpoint.name,
      });
      await action.handler(ctx);
      const stored = await endpointOf(endpoint.name);
      expect(stored.desired.traffic).toMatchObject([
        { modelVersionId: versions[0].id, percent: 100, role: 'stable' },
      ]);
      expect(outputs).toEqual({
        endpointId: endpoint.id,
        endpointName: endpoint.name,
        traffic: [
          { modelName: model, version: '1', percent: 100, role: 'stable' },
        ],
        state: 'Ready',
        modelName: model,
        version: '1',
        previousCanaryVersion: '2',
        entityRef: `endpoint:default/${endpoint.name}`,
        catalogUrl: `/catalog/default/endpoint/${endpoint.name}`,
      });
      expect(lines.join('\n')).toContain(
        `Endpoint '${endpoint.name}' serves ${model} v1 100% (stable)`,
      );
    });

    it('takes the endpoint as a catalog entity ref', async () => {
      const endpoint = await endpointWithCanary();
      llmOps.entities.push(entityFor('Endpoint', endpoint));
      const { ctx, outputs } = actionContext({
        endpoint: `endpoint:default/${endpoint.name}`,
        expectedCanaryVersion: 2,
      });
      await action.handler(ctx);
      expect(outputs.version).toBe('1');
    });

    it('fails with a conflict when there is no canary, changing nothing', async () => {
      const endpoint = await endpointWithCanary(false);
      const before = await endpointOf(endpoint.name);
      const { ctx } = actionContext({ endpoint: endpoint.name });
      await expect(action.handler(ctx)).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('has no canary to rollback'),
      });
      expect(await endpointOf(endpoint.name)).toEqual(before);
    });

    it('fails with a conflict when the canary is not the expected version, changing nothing', async () => {
      const endpoint = await endpointWithCanary();
      const before = await endpointOf(endpoint.name);
      const { ctx } = actionContext({
        endpoint: endpoint.name,
        expectedCanaryVersion: '7',
      });
      await expect(action.handler(ctx)).rejects.toThrow(
        /not v7; nothing was changed/,
      );
      expect(await endpointOf(endpoint.name)).toEqual(before);
    });

    it('refuses an unknown endpoint', async () => {
      const { ctx } = actionContext({ endpoint: 'no-such-endpoint' });
      await expect(action.handler(ctx)).rejects.toThrow(
        /There is no endpoint 'no-such-endpoint'/,
      );
    });

    it.each([
      ['a shell command', 'x; rm -rf /'],
      ['a YAML document', 'a\nkind: Secret'],
      ['template syntax', 'ep-{{ secrets.token }}'],
    ])(
      'refuses %s as the endpoint and changes nothing',
      async (_what, name) => {
        const { ctx } = actionContext({ endpoint: name });
        await expect(action.handler(ctx)).rejects.toMatchObject({
          name: 'InputError',
        });
      },
    );

    it('dry run reports what it would do and changes nothing', async () => {
      const endpoint = await endpointWithCanary();
      const before = await endpointOf(endpoint.name);
      const { ctx, outputs, lines } = actionContext(
        { endpoint: endpoint.name },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(lines).toEqual([
        `info: Dry run: would rollback the canary ${model} v2 (20%) of endpoint '${endpoint.name}'; ${model} v1 would take all the traffic`,
      ]);
      expect(outputs).toMatchObject({
        version: '1',
        previousCanaryVersion: '2',
      });
      expect(await endpointOf(endpoint.name)).toEqual(before);
    });

    it('a retried task reuses its checkpoint instead of failing for want of a canary', async () => {
      const endpoint = await endpointWithCanary();
      const checkpoints = checkpointStore();
      const first = actionContext(
        { endpoint: endpoint.name },
        { taskId: 't1', checkpoints },
      );
      await action.handler(first.ctx);
      const second = actionContext(
        { endpoint: endpoint.name },
        { taskId: 't1', checkpoints },
      );
      await action.handler(second.ctx);
      expect(checkpoints.runs).toEqual(['llm-ops.endpoint-rollback']);
      expect(second.outputs).toEqual(first.outputs);
    });
  },
);
