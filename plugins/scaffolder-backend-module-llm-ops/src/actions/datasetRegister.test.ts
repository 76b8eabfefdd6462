import {
  actionContext,
  checkpointStore,
  createTestDatabases,
  startLlmOps,
  uniqueName,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createDatasetRegisterAction } from './datasetRegister';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const base = {
  uri: 's3://datasets/tickets/v1',
  digest: 'md5:0123456789abcdef0123456789abcdef.dir',
  sizeBytes: 1024,
  fileCount: 2,
  format: 'parquet',
};

describe.each(databases.eachSupportedId())(
  'llm-ops:dataset:register against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let action: ReturnType<typeof createDatasetRegisterAction>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      action = createDatasetRegisterAction(llmOps.actionOptions);
    });

    const versionsOf = async (name: string) =>
      (await llmOps.api.get(`/v1/datasets/${name}/versions`)).items;

    it('creates the dataset and its version with the DVC repository, path and revision', async () => {
      const name = uniqueName('tickets');
      const { ctx, outputs } = actionContext({
        ...base,
        name,
        version: 'v1',
        owner: 'group:default/ml-platform',
        repoUrl: 'github.com?owner=acme&repo=datasets',
        path: 'data/tickets',
        revision: 'main',
      });
      await action.handler(ctx);

      const dataset = await llmOps.api.get(`/v1/datasets/${name}`);
      const [version] = await versionsOf(name);
      expect(dataset.owner).toBe('group:default/ml-platform');
      expect(version).toMatchObject({
        version: 'v1',
        uri: base.uri,
        digest: base.digest,
        sizeBytes: 1024,
        fileCount: 2,
        format: 'parquet',
        sourceRepository: {
          repository: 'https://github.com/acme/datasets',
          path: 'data/tickets',
          revision: 'main',
        },
      });
      expect(outputs).toEqual({
        datasetId: dataset.id,
        datasetVersionId: version.id,
        name,
        version: 'v1',
        datasetCreated: true,
        entityRef: `dataset:default/${name}`,
        catalogUrl: `/catalog/default/dataset/${name}`,
      });
    });

    it('adds a numbered version to an existing dataset, with an https repository URL', async () => {
      const name = uniqueName('tickets');
      await llmOps.api.post('/v1/datasets', { name });
      const { ctx, outputs } = actionContext({
        name,
        uri: 'gs://bucket/tickets',
        repoUrl: 'https://gitlab.example.com/ml/data.git',
        path: 'tickets.jsonl',
      });
      await action.handler(ctx);
      expect(outputs).toMatchObject({ version: '1', datasetCreated: false });
      const [version] = await versionsOf(name);
      expect(version.sourceRepository).toEqual({
        repository: 'https://gitlab.example.com/ml/data',
        path: 'tickets.jsonl',
        revision: null,
      });
    });

    it.each([
      ['a shell command as the name', { name: 'x; rm -rf /' }],
      ['a YAML document as the name', { name: 'a\nkind: Secret' }],
      ['template syntax in the name', { name: 'd-{{ secrets.token }}' }],
      ['a path leaving the repository', { path: '../../etc/passwd' }],
      ['an absolute path', { path: '/etc/passwd' }],
      ['a path with a shell command', { path: 'data; curl evil.example' }],
      ['a revision range', { revision: 'main..evil' }],
      ['a URI with a space', { uri: 's3://bucket/a b' }],
      ['a URI with template syntax', { uri: 's3://bucket/{{x}}' }],
      [
        'a repository with a shell command',
        { repoUrl: 'github.com?owner=a;rm&repo=b' },
      ],
      ['a negative size', { sizeBytes: -1 }],
      ['a fractional file count', { fileCount: 1.5 }],
    ])('refuses %s and creates nothing', async (_what, override) => {
      const before = await llmOps.api.names('datasets');
      const { ctx } = actionContext({
        ...base,
        name: uniqueName('tickets'),
        repoUrl: 'github.com?owner=acme&repo=datasets',
        ...override,
      });
      await expect(action.handler(ctx)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('nothing was done'),
      });
      expect(await llmOps.api.names('datasets')).toEqual(before);
    });

    it('refuses a path without a repository', async () => {
      const { ctx } = actionContext({
        ...base,
        name: uniqueName('tickets'),
        path: 'data/tickets',
      });
      await expect(action.handler(ctx)).rejects.toThrow(
        /"path" and "revision" need "repoUrl"/,
      );
    });

    it('fails with a conflict on a version label that is taken, in a dry run as well', async () => {
      const name = uniqueName('tickets');
      await action.handler(actionContext({ ...base, name, version: 'v1' }).ctx);
      await expect(
        action.handler(
          actionContext({ ...base, name, version: 'v1' }, { isDryRun: true })
            .ctx,
        ),
      ).rejects.toThrow(/already has a version 'v1'/);
      await expect(
        action.handler(actionContext({ ...base, name, version: 'v1' }).ctx),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect(await versionsOf(name)).toHaveLength(1);
    });

    it('dry run reports what it would register and writes nothing', async () => {
      const name = uniqueName('tickets');
      const before = await llmOps.api.names('datasets');
      const { ctx, outputs, lines } = actionContext(
        {
          ...base,
          name,
          repoUrl: 'github.com?owner=acme&repo=datasets',
          path: 'data',
        },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(lines).toEqual([
        `info: Dry run: would create dataset '${name}' with a version (next number), at ${base.uri} from https://github.com/acme/datasets/data`,
      ]);
      expect(outputs).toMatchObject({
        datasetId: 'dry-run',
        datasetVersionId: 'dry-run',
        datasetCreated: true,
      });
      expect(await llmOps.api.names('datasets')).toEqual(before);
    });

    it('a retried task reuses its checkpoints and registers the version once', async () => {
      const name = uniqueName('tickets');
      const checkpoints = checkpointStore();
      const first = actionContext(
        { ...base, name },
        { taskId: 't1', checkpoints },
      );
      await action.handler(first.ctx);
      const second = actionContext(
        { ...base, name },
        { taskId: 't1', checkpoints },
      );
      await action.handler(second.ctx);
      expect(checkpoints.runs).toEqual([
        'llm-ops.dataset',
        'llm-ops.dataset-version',
      ]);
      expect(second.outputs).toEqual(first.outputs);
      expect(await versionsOf(name)).toHaveLength(1);
    });

    it('a task recovered after losing its checkpoints registers the version once', async () => {
      const name = uniqueName('tickets');
      const first = actionContext({ ...base, name }, { taskId: `t-${name}` });
      await action.handler(first.ctx);
      const second = actionContext({ ...base, name }, { taskId: `t-${name}` });
      await action.handler(second.ctx);
      expect(second.outputs.datasetVersionId).toBe(
        first.outputs.datasetVersionId,
      );
      expect(await versionsOf(name)).toHaveLength(1);
    });
  },
);
