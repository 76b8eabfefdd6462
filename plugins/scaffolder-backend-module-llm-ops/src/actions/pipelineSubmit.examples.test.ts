import yaml from 'yaml';
import {
  actionContext,
  createTestDatabases,
  entityFor,
  seedModel,
  seedPipeline,
  startLlmOps,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { finishRunInBackground } from '../__testUtils__/pipelineRuns';
import { createPipelineSubmitAction } from './pipelineSubmit';
import { examples } from './pipelineSubmit.examples';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:pipeline:submit examples on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      const finetune = await seedPipeline(llmOps.api, 'llm-finetune', {
        experiment: '',
        dataset: '',
        baseModel: '',
        learningRate: '0.0001',
        epochs: '3',
        loraRank: '8',
      });
      await seedPipeline(llmOps.api, 'llm-evaluate', {
        model: '',
        alias: 'champion',
      });
      const { model } = await seedModel(llmOps.api, 'llama-3-8b', 1);
      const dataset = await llmOps.api.post('/v1/datasets', {
        name: 'support-tickets',
      });
      llmOps.entities.push(
        entityFor('Pipeline', finetune),
        entityFor('Model', model),
        entityFor('Dataset', dataset),
      );
    });

    it.each(examples.map(e => [e.description, e]))(
      'should %s',
      async (_description, example) => {
        const input = yaml.parse(example.example).steps[0].input;
        const pipeline = input.pipeline.replace(/^pipeline:default\//, '');
        const finishing = input.waitForCompletion
          ? finishRunInBackground(llmOps.api, pipeline)
          : undefined;
        const action = createPipelineSubmitAction(llmOps.actionOptions);
        const { ctx, outputs, lines } = actionContext(input);
        await action.handler(ctx);
        await finishing;

        const run = await llmOps.api.get(`/v1/pipeline-runs/${outputs.runId}`);
        expect(outputs).toMatchObject({
          runId: run.id,
          runName: run.name,
          pipelineName: pipeline,
          phase: run.phase,
          catalogUrl: `/catalog/default/pipeline/${pipeline}`,
        });
        const anyName = expect.any(String);
        expect(run).toMatchObject({
          name: input.runName ?? anyName,
          phase: input.waitForCompletion ? 'Succeeded' : 'Pending',
          parameters: {
            ...Object.fromEntries(
              Object.entries(input.parameters ?? {}).map(([k, v]) => [
                k,
                String(v),
              ]),
            ),
            // Entity refs arrive as the assets' llm-ops names.
            ...(input.assetParameters
              ? { dataset: 'support-tickets', baseModel: 'llama-3-8b' }
              : {}),
          },
        });
        expect(
          lines.some(line =>
            /Pipeline run '.+': Succeeded, 2\/2 steps done \(prepare: Succeeded, train: Succeeded\)/.test(
              line,
            ),
          ),
        ).toBe(Boolean(input.waitForCompletion));
      },
    );
  },
);
