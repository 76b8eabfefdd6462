import {
  actionContext,
  checkpointStore,
  createTestDatabases,
  entityFor,
  seedPipeline,
  startLlmOps,
  uniqueName,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { finishRunInBackground } from '../__testUtils__/pipelineRuns';
import { createPipelineSubmitAction } from './pipelineSubmit';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const declared = {
  epochs: '3',
  learningRate: '0.0001',
  dataset: '',
  useLora: 'true',
};

describe.each(databases.eachSupportedId())(
  'llm-ops:pipeline:submit against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let action: ReturnType<typeof createPipelineSubmitAction>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      action = createPipelineSubmitAction(llmOps.actionOptions);
    });

    const newPipeline = async () => {
      const name = uniqueName('train');
      const pipeline = await seedPipeline(llmOps.api, name, declared);
      return { name, id: pipeline.id as string };
    };
    const runsOf = async (pipeline: string) =>
      (await llmOps.api.get(`/v1/pipelines/${pipeline}/runs`)).items;

    it('submits a run with the parameters as text and outputs its id and links', async () => {
      const pipeline = await newPipeline();
      const { ctx, outputs, lines } = actionContext({
        pipeline: pipeline.name,
        runName: `${pipeline.name}-1`,
        parameters: { epochs: 5, learningRate: 0.0002, useLora: false },
      });
      await action.handler(ctx);
      const [run] = await runsOf(pipeline.name);
      expect(run).toMatchObject({
        name: `${pipeline.name}-1`,
        phase: 'Pending',
        parameters: {
          epochs: '5',
          learningRate: '0.0002',
          useLora: 'false',
          dataset: '',
        },
      });
      expect(outputs).toEqual({
        runId: run.id,
        runName: run.name,
        pipelineId: pipeline.id,
        pipelineName: pipeline.name,
        phase: 'Pending',
        entityRef: `pipeline:default/${pipeline.name}`,
        catalogUrl: `/catalog/default/pipeline/${pipeline.name}`,
      });
      // Parameter names are logged, values never.
      expect(lines.join('\n')).toContain('epochs, learningRate, useLora');
      expect(lines.join('\n')).not.toContain('0.0002');
    });

    it('passes catalog entity refs of assets as their llm-ops names', async () => {
      const pipeline = await newPipeline();
      const dataset = await llmOps.api.post('/v1/datasets', {
        name: uniqueName('Tickets_2026'),
      });
      // The provider names such an entity with a hash; the annotation leads back to the asset.
      llmOps.entities.push({
        ...entityFor('Dataset', dataset),
        metadata: {
          name: 'tickets-2026-0a1b2c3d',
          namespace: 'default',
          annotations: { 'llm-ops.io/id': dataset.id },
        },
      });
      const { ctx } = actionContext({
        pipeline: pipeline.name,
        assetParameters: { dataset: 'dataset:default/tickets-2026-0a1b2c3d' },
      });
      await action.handler(ctx);
      const [run] = await runsOf(pipeline.name);
      expect(run.parameters.dataset).toBe(dataset.name);
    });

    it.each([
      [
        'a parameter the pipeline does not declare',
        { parameters: { batchSize: 8 } },
        /does not declare the parameter\(s\) 'batchSize'/,
      ],
      [
        'a parameter value with a line break',
        { parameters: { dataset: 'a\nkind: Secret' } },
        /line break/,
      ],
      [
        'a parameter value with Argo template syntax',
        { parameters: { dataset: '{{workflow.serviceAccountName}}' } },
        /template syntax/,
      ],
      [
        'a parameter name with a shell command',
        { parameters: { 'x;rm': '1' } },
        /parameter names/,
      ],
      [
        'a pipeline name with a shell command',
        { pipeline: 'train; rm -rf /' },
        /shell metacharacters/,
      ],
      [
        'a pipeline name with a YAML document',
        { pipeline: 'train\nkind: Secret' },
        /line break/,
      ],
      [
        'a run name with template syntax',
        { runName: 'run-{{x}}' },
        /template syntax/,
      ],
      [
        'an asset parameter that is no entity ref',
        { assetParameters: { dataset: 'x; rm -rf /' } },
        /entity ref/,
      ],
      [
        'an asset parameter naming an endpoint',
        { assetParameters: { dataset: 'endpoint:default/x' } },
        /model, dataset or experiment/,
      ],
      [
        'a parameter given twice',
        {
          parameters: { dataset: 'a' },
          assetParameters: { dataset: 'dataset:default/a' },
        },
        /both "parameters" and "assetParameters"/,
      ],
      ['a timeout of 0 seconds', { timeoutSeconds: 0 }, /timeoutSeconds/],
      [
        'an unknown pipeline',
        { pipeline: 'no-such-pipeline' },
        /There is no pipeline 'no-such-pipeline'/,
      ],
    ])('refuses %s and submits nothing', async (_what, override, message) => {
      const pipeline = await newPipeline();
      const { ctx } = actionContext({ pipeline: pipeline.name, ...override });
      await expect(action.handler(ctx)).rejects.toThrow(message);
      expect(await runsOf(pipeline.name)).toEqual([]);
    });

    it('waits for the run, writing phase, progress and step statuses to the task log', async () => {
      const pipeline = await newPipeline();
      const finishing = finishRunInBackground(llmOps.api, pipeline.name, {
        stepMs: 2500,
      });
      const { ctx, outputs, lines } = actionContext({
        pipeline: pipeline.name,
        waitForCompletion: true,
        pollIntervalSeconds: 1,
        timeoutSeconds: 30,
      });
      await action.handler(ctx);
      const run = await finishing;
      const progress = lines.filter(l =>
        l.startsWith(`info: Pipeline run '${run.name}'`),
      );
      expect(progress).toEqual(
        expect.arrayContaining([
          `info: Pipeline run '${run.name}': Running, 1/2 steps done (prepare: Succeeded, train: Running)`,
          `info: Pipeline run '${run.name}': Succeeded, 2/2 steps done (prepare: Succeeded, train: Succeeded)`,
        ]),
      );
      // A line per change, not per poll.
      expect(new Set(progress).size).toBe(progress.length);
      expect(outputs).toMatchObject({
        runId: run.id,
        phase: 'Succeeded',
        progress: '2/2',
      });
    });

    it('fails the step when the run fails, naming the failed step', async () => {
      const pipeline = await newPipeline();
      const finishing = finishRunInBackground(llmOps.api, pipeline.name, {
        finalPhase: 'Failed',
        stepMs: 200,
      });
      const { ctx, outputs } = actionContext({
        pipeline: pipeline.name,
        waitForCompletion: true,
        pollIntervalSeconds: 1,
      });
      await expect(action.handler(ctx)).rejects.toThrow(
        /ended Failed \(train: CUDA out of memory\)/,
      );
      await finishing;
      expect(outputs.phase).toBe('Failed');
    });

    it('fails the step after the timeout and leaves the run going', async () => {
      const pipeline = await newPipeline();
      const { ctx, outputs } = actionContext({
        pipeline: pipeline.name,
        waitForCompletion: true,
        pollIntervalSeconds: 1,
        timeoutSeconds: 1,
      });
      await expect(action.handler(ctx)).rejects.toThrow(
        /did not finish within 1s \(it is Pending\); the run goes on/,
      );
      expect(outputs).toMatchObject({ phase: 'Pending' });
      expect(await runsOf(pipeline.name)).toHaveLength(1);
    });

    it('stops waiting when the task is cancelled', async () => {
      const pipeline = await newPipeline();
      const controller = new AbortController();
      const { ctx } = actionContext(
        {
          pipeline: pipeline.name,
          waitForCompletion: true,
          pollIntervalSeconds: 60,
        },
        { signal: controller.signal },
      );
      const waiting = action.handler(ctx);
      setTimeout(() => controller.abort(), 300);
      await expect(waiting).rejects.toThrow(/cancelled/);
    });

    it('dry run checks the parameters against the pipeline and submits nothing', async () => {
      const pipeline = await newPipeline();
      const { ctx, outputs, lines } = actionContext(
        { pipeline: pipeline.name, parameters: { epochs: 1 } },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(lines).toEqual([
        `info: Dry run: would submit a run of pipeline '${pipeline.name}' with the parameter(s) epochs`,
      ]);
      expect(outputs).toMatchObject({
        runId: 'dry-run',
        pipelineId: pipeline.id,
      });
      await expect(
        action.handler(
          actionContext(
            { pipeline: pipeline.name, parameters: { nope: 1 } },
            { isDryRun: true },
          ).ctx,
        ),
      ).rejects.toThrow(/does not declare/);
      expect(await runsOf(pipeline.name)).toEqual([]);
    });

    it('a retried task reuses its checkpoint and submits once', async () => {
      const pipeline = await newPipeline();
      const checkpoints = checkpointStore();
      const input = { pipeline: pipeline.name, parameters: { epochs: 1 } };
      const first = actionContext(input, { taskId: 't1', checkpoints });
      await action.handler(first.ctx);
      const second = actionContext(input, { taskId: 't1', checkpoints });
      await action.handler(second.ctx);
      expect(checkpoints.runs).toEqual(['llm-ops.pipeline-run-submit']);
      expect(second.outputs.runId).toBe(first.outputs.runId);
      expect(await runsOf(pipeline.name)).toHaveLength(1);
    });

    it('a task recovered after losing its checkpoint submits once', async () => {
      const pipeline = await newPipeline();
      const input = { pipeline: pipeline.name, parameters: { epochs: 1 } };
      const first = actionContext(input, { taskId: `t-${pipeline.name}` });
      await action.handler(first.ctx);
      const second = actionContext(input, { taskId: `t-${pipeline.name}` });
      await action.handler(second.ctx);
      expect(second.outputs.runId).toBe(first.outputs.runId);
      expect(await runsOf(pipeline.name)).toHaveLength(1);
    });
  },
);
