import yaml from 'yaml';
import {
  actionContext,
  createTestDatabases,
  entityFor,
  seedModel,
  startLlmOps,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import {
  createEndpointPromoteAction,
  createEndpointRollbackAction,
} from './endpointCanary';
import { canaryExamples } from './endpointCanary.examples';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Each action with the version that takes all the traffic after it. */
const verbs = [
  { verb: 'promote', create: createEndpointPromoteAction, keeps: '2' },
  { verb: 'rollback', create: createEndpointRollbackAction, keeps: '1' },
] as const;

describe.each(databases.eachSupportedId())(
  'the endpoint canary action examples on %s',
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

    afterAll(() => llmOps?.stop());

    describe.each(verbs)(
      'llm-ops:endpoint:$verb',
      ({ verb, create, keeps }) => {
        it.each(canaryExamples(verb).map(e => [e.description, e]))(
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
            const { ctx, outputs } = actionContext(input);
            await create(llmOps.actionOptions).handler(ctx);

            const endpoint = await llmOps.api.get('/v1/endpoints/support-bot');
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
  },
);
