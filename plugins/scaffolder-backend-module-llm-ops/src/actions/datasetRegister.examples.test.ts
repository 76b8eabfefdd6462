import yaml from 'yaml';
import {
  actionContext,
  createTestDatabases,
  startLlmOps,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createDatasetRegisterAction } from './datasetRegister';
import { examples } from './datasetRegister.examples';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:dataset:register examples on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
    });

    it.each(examples.map(e => [e.description, e]))(
      'should %s',
      async (_description, example) => {
        const input = yaml.parse(example.example).steps[0].input;
        const action = createDatasetRegisterAction(llmOps.actionOptions);
        const { ctx, outputs } = actionContext(input);
        await action.handler(ctx);

        const version = await llmOps.api.get(
          `/v1/datasets/${input.name}/versions/${outputs.version}`,
        );
        expect(outputs).toMatchObject({
          datasetVersionId: version.id,
          name: input.name,
          datasetCreated: true,
          entityRef: `dataset:default/${input.name}`,
        });
        expect(version).toMatchObject({
          uri: input.uri,
          digest: input.digest ?? null,
          sizeBytes: input.sizeBytes ?? null,
          format: input.format ?? null,
        });
        expect(version.sourceRepository).toEqual(
          input.repoUrl
            ? {
                repository: 'https://github.com/acme/datasets',
                path: input.path,
                revision: input.revision,
              }
            : null,
        );
      },
    );
  },
);
