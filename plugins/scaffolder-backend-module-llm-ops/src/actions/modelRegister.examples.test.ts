import yaml from 'yaml';
import {
  actionContext,
  createTestDatabases,
  seedRun,
  startLlmOps,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createModelRegisterAction } from './modelRegister';
import { examples } from './modelRegister.examples';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:model:register examples on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
    });

    it.each(examples.map(e => [e.description, e]))(
      'should %s',
      async (_description, example) => {
        const input = yaml.parse(example.example).steps[0].input;
        // Run ids are made by the store; the example's run id stands for a real run.
        const run = await seedRun(llmOps.api);
        const action = createModelRegisterAction(llmOps.actionOptions);
        const { ctx, outputs } = actionContext({ ...input, runId: run.id });
        await action.handler(ctx);

        const version = await llmOps.api.get(
          `/v1/models/${input.model}/versions/${outputs.version}`,
        );
        expect(version).toMatchObject({
          id: outputs.modelVersionId,
          sourceRunId: run.id,
          artifactUri: input.artifactUri,
          aliases: input.alias ? [input.alias] : [],
        });
        expect(outputs.catalogUrl).toBe(
          `/catalog/default/model/${input.model}`,
        );
      },
    );
  },
);
