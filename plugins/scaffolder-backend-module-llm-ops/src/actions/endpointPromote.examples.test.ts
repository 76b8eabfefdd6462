import yaml from 'yaml';
import {
  actionContext,
  createTestDatabases,
  entityFor,
  seedModel,
  startLlmOps,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createEndpointPromoteAction } from './endpointPromote';
import { examples } from './endpointPromote.examples';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:endpoint:promote examples on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let versions: Array<{ id: string }>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      const seeded = await seedModel(llmOps.api, 'support-bot', 2);
      versions = seeded.versions;
      const endpoint = await llmOps.api.post('/v1/endpoints', {
        name: 'support-bot',
        runtime: 'builtin',
        modelVersionId: versions[0].id,
      });
      llmOps.entities.push(entityFor('Endpoint', endpoint));
    });

    it.each(examples.map(e => [e.description, e]))(
      'should %s',
      async (_description, example) => {
        const input = yaml.parse(example.example).steps[0].input;
        // Each example starts from version 1 stable and version 2 as a 10% canary.
        await llmOps.api.post('/v1/endpoints/support-bot/deploy', {
          modelVersionId: versions[0].id,
        });
        await llmOps.api.post('/v1/endpoints/support-bot/deploy', {
          modelVersionId: versions[1].id,
          canaryPercent: 10,
        });
        const action = createEndpointPromoteAction(llmOps.actionOptions);
        const { ctx, outputs } = actionContext(input);
        await action.handler(ctx);

        const endpoint = await llmOps.api.get('/v1/endpoints/support-bot');
        const keeps = '2';
        expect(endpoint.desired.traffic).toMatchObject([
          { version: keeps, percent: 100, role: 'stable' },
        ]);
        expect(outputs).toMatchObject({
          endpointName: 'support-bot',
          version: keeps,
          previousCanaryVersion: '2',
          traffic: [{ version: keeps, percent: 100, role: 'stable' }],
        });
      },
    );
  },
);
