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
import {
  createEndpointPromoteAction,
  createEndpointRollbackAction,
} from './endpointCanary';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/**
 * Promote and rollback act on the same canary (version 2 at 20% beside version 1); they differ
 * in the version that takes all the traffic afterwards: `keeps`, as an index of `versions`.
 */
const verbs = [
  { verb: 'promote', create: createEndpointPromoteAction, keeps: 1 },
  { verb: 'rollback', create: createEndpointRollbackAction, keeps: 0 },
] as const;

describe.each(databases.eachSupportedId())(
  'the endpoint canary actions against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let model: string;
    let versions: Array<{ id: string }>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      model = uniqueName('bot');
      versions = (await seedModel(llmOps.api, model, 2)).versions;
    });

    afterAll(() => llmOps?.stop());

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

    describe.each(verbs)(
      'llm-ops:endpoint:$verb',
      ({ verb, create, keeps }) => {
        let action: ReturnType<typeof create>;
        /** The version number that takes all the traffic after the action. */
        const kept = String(keeps + 1);

        beforeAll(() => {
          action = create(llmOps.actionOptions);
        });

        it(`${verb}: the canary goes and version ${kept} takes all the traffic`, async () => {
          const endpoint = await endpointWithCanary();
          const { ctx, outputs, lines } = actionContext({
            endpoint: endpoint.name,
          });
          await action.handler(ctx);
          const stored = await endpointOf(endpoint.name);
          expect(stored.desired.traffic).toMatchObject([
            {
              modelVersionId: versions[keeps].id,
              percent: 100,
              role: 'stable',
            },
          ]);
          expect(outputs).toEqual({
            endpointId: endpoint.id,
            endpointName: endpoint.name,
            traffic: [
              { modelName: model, version: kept, percent: 100, role: 'stable' },
            ],
            state: 'Ready',
            modelName: model,
            version: kept,
            previousCanaryVersion: '2',
            entityRef: `endpoint:default/${endpoint.name}`,
            catalogUrl: `/catalog/default/endpoint/${endpoint.name}`,
          });
          expect(lines.join('\n')).toContain(
            `Endpoint '${endpoint.name}' serves ${model} v${kept} 100% (stable)`,
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
          expect(outputs.version).toBe(kept);
        });

        it('fails with a conflict when there is no canary, changing nothing', async () => {
          const endpoint = await endpointWithCanary(false);
          const before = await endpointOf(endpoint.name);
          const { ctx } = actionContext({ endpoint: endpoint.name });
          await expect(action.handler(ctx)).rejects.toMatchObject({
            name: 'ConflictError',
            message: expect.stringContaining(`has no canary to ${verb}`),
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
            `info: Dry run: would ${verb} the canary ${model} v2 (20%) of endpoint '${endpoint.name}'; ${model} v${kept} would take all the traffic`,
          ]);
          expect(outputs).toMatchObject({
            version: kept,
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
          expect(checkpoints.runs).toEqual([`llm-ops.endpoint-${verb}`]);
          expect(second.outputs).toEqual(first.outputs);
        });
      },
    );
  },
);
