import {
  actionContext,
  checkpointStore,
  createTestDatabases,
  seedRun,
  startLlmOps,
  uniqueName,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createModelRegisterAction } from './modelRegister';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:model:register against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let action: ReturnType<typeof createModelRegisterAction>;
    let runId: string;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      action = createModelRegisterAction(llmOps.actionOptions);
      runId = (await seedRun(llmOps.api)).id;
    });

    const versionsOf = async (model: string) =>
      (await llmOps.api.get(`/v1/models/${model}/versions`)).items;

    it('creates the model, registers the version from the run and points the alias at it', async () => {
      const model = uniqueName('bot');
      const { ctx, outputs } = actionContext({
        model,
        runId,
        artifactUri: `runs:/${runId}/model`,
        description: 'first cut',
        alias: 'candidate',
        owner: 'group:default/ml-platform',
        tags: { 'eval.accuracy': '0.9' },
      });
      await action.handler(ctx);

      const stored = await llmOps.api.get(`/v1/models/${model}`);
      const [version] = await versionsOf(model);
      expect(stored).toMatchObject({
        owner: 'group:default/ml-platform',
        aliases: { candidate: '1' },
      });
      expect(version).toMatchObject({
        version: '1',
        sourceRunId: runId,
        artifactUri: `runs:/${runId}/model`,
        description: 'first cut',
        tags: { 'eval.accuracy': '0.9' },
      });
      expect(outputs).toEqual({
        modelId: stored.id,
        modelVersionId: version.id,
        name: model,
        version: '1',
        alias: 'candidate',
        modelCreated: true,
        entityRef: `model:default/${model}`,
        catalogUrl: `/catalog/default/model/${model}`,
      });
      // The run produced the version: lineage the catalog and the lineage view show.
      const lineage = await llmOps.api.get(
        `/v1/lineage/model-version/${version.id}`,
      );
      expect(lineage.nodes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'run', id: runId }),
        ]),
      );
    });

    it('adds the next version to an existing model', async () => {
      const model = uniqueName('bot');
      await llmOps.api.post('/v1/models', { name: model });
      await llmOps.api.post(`/v1/models/${model}/versions`, {
        artifactUri: 's3://m/1',
      });
      const { ctx, outputs } = actionContext({
        model,
        runId,
        artifactUri: 's3://m/2',
      });
      await action.handler(ctx);
      expect(outputs).toMatchObject({ version: '2', modelCreated: false });
    });

    it('refuses an unknown run before creating anything', async () => {
      const before = await llmOps.api.names('models');
      const { ctx } = actionContext({
        model: uniqueName('bot'),
        runId: 'no-such-run',
        artifactUri: 's3://m/1',
      });
      await expect(action.handler(ctx)).rejects.toThrow(
        /There is no run 'no-such-run'/,
      );
      expect(await llmOps.api.names('models')).toEqual(before);
    });

    it.each([
      ['a shell command as the model name', { model: 'x; rm -rf /' }],
      ['a YAML document as the model name', { model: 'a\nkind: Secret' }],
      ['template syntax in the model name', { model: '{{ secrets.token }}' }],
      ['a shell command as the run id', { runId: '$(reboot)' }],
      [
        'an artifact URI with a line break',
        { artifactUri: 's3://m/1\nkind: Secret' },
      ],
      ['an artifact URI without a scheme', { artifactUri: 'model.bin' }],
      ['the reserved alias latest', { alias: 'latest' }],
      ['an alias with a shell command', { alias: 'a;b' }],
    ])('refuses %s and creates nothing', async (_what, override) => {
      const before = await llmOps.api.names('models');
      const { ctx } = actionContext({
        model: uniqueName('bot'),
        runId,
        artifactUri: 's3://m/1',
        ...override,
      });
      await expect(action.handler(ctx)).rejects.toMatchObject({
        name: 'InputError',
      });
      expect(await llmOps.api.names('models')).toEqual(before);
    });

    it('dry run reports what it would register and writes nothing', async () => {
      const model = uniqueName('bot');
      const before = await llmOps.api.names('models');
      const { ctx, outputs, lines } = actionContext(
        { model, runId, artifactUri: 's3://m/1', alias: 'candidate' },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(lines.join('\n')).toContain(
        `Dry run: would register the next version of a new model '${model}'`,
      );
      expect(outputs).toMatchObject({
        modelId: 'dry-run',
        modelVersionId: 'dry-run',
        version: 'next',
        alias: 'candidate',
      });
      expect(await llmOps.api.names('models')).toEqual(before);
    });

    it('a retried task reuses its checkpoints and registers one version', async () => {
      const model = uniqueName('bot');
      const input = {
        model,
        runId,
        artifactUri: 's3://m/1',
        alias: 'candidate',
      };
      const checkpoints = checkpointStore();
      const first = actionContext(input, { taskId: 't1', checkpoints });
      await action.handler(first.ctx);
      const second = actionContext(input, { taskId: 't1', checkpoints });
      await action.handler(second.ctx);
      expect(checkpoints.runs).toEqual([
        'llm-ops.model',
        'llm-ops.model-version',
        'llm-ops.model-alias',
      ]);
      expect(second.outputs).toEqual(first.outputs);
      expect(await versionsOf(model)).toHaveLength(1);
    });

    it('a task recovered after losing its checkpoints registers one version', async () => {
      const model = uniqueName('bot');
      const input = { model, runId, artifactUri: 's3://m/1' };
      const first = actionContext(input, { taskId: `t-${model}` });
      await action.handler(first.ctx);
      const second = actionContext(input, { taskId: `t-${model}` });
      await action.handler(second.ctx);
      expect(second.outputs.modelVersionId).toBe(first.outputs.modelVersionId);
      expect(await versionsOf(model)).toHaveLength(1);
    });
  },
);
