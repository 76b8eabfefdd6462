import yaml from 'yaml';
import {
  actionContext,
  createTestDatabases,
  entityFor,
  seedModel,
  startLlmOps,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createEndpointDeployAction } from './endpointDeploy';
import { examples } from './endpointDeploy.examples';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:endpoint:deploy examples on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let versions: Array<{ id: string }>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      const seeded = await seedModel(llmOps.api, 'support-bot', 2);
      versions = seeded.versions;
      llmOps.entities.push(entityFor('Model', seeded.model));
    });

    it.each(examples.map(e => [e.description, e]))(
      'should %s',
      async (_description, example) => {
        const input = yaml.parse(example.example).steps[0].input;
        if (input.canaryPercent !== undefined) {
          // A canary needs an endpoint with a stable version (the first example makes one).
          const existing = await llmOps.api.raw(
            `/v1/endpoints/${input.endpoint}`,
          );
          if (existing.status === 404) {
            await llmOps.api.post('/v1/endpoints', {
              name: input.endpoint,
              runtime: 'builtin',
              modelVersionId: versions[0].id,
            });
          }
        }
        const action = createEndpointDeployAction(llmOps.actionOptions);
        const { ctx, outputs } = actionContext(input);
        await action.handler(ctx);

        const endpoint = await llmOps.api.get(
          `/v1/endpoints/${input.endpoint}`,
        );
        const expected = input.canaryPercent
          ? [
              {
                version: '1',
                percent: 100 - input.canaryPercent,
                role: 'stable',
              },
              { version: '2', percent: input.canaryPercent, role: 'canary' },
            ]
          : [{ version: '1', percent: 100, role: 'stable' }];
        expect(endpoint.desired.traffic).toMatchObject(expected);
        expect(outputs).toMatchObject({
          endpointId: endpoint.id,
          endpointName: input.endpoint,
          traffic: expected,
          state: 'Ready',
          catalogUrl: `/catalog/default/endpoint/${input.endpoint}`,
        });
      },
    );
  },
);
