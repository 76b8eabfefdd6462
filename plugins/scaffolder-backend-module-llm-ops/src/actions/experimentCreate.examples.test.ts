import yaml from 'yaml';
import {
  actionContext,
  createTestDatabases,
  startLlmOps,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createExperimentCreateAction } from './experimentCreate';
import { examples } from './experimentCreate.examples';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:experiment:create examples on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
    });

    it.each(examples.map(e => [e.description, e]))(
      'should %s',
      async (_description, example) => {
        const input = yaml.parse(example.example).steps[0].input;
        const action = createExperimentCreateAction(llmOps.actionOptions);
        const { ctx, outputs } = actionContext(input);
        await action.handler(ctx);

        const stored = await llmOps.api.get(`/v1/experiments/${input.name}`);
        expect(outputs).toMatchObject({
          experimentId: stored.id,
          name: input.name,
          catalogUrl: `/catalog/default/experiment/${input.name}`,
        });
        expect(stored.tags).toEqual(input.tags ?? {});
        expect(stored.owner).toBe(input.owner ?? null);
      },
    );
  },
);
