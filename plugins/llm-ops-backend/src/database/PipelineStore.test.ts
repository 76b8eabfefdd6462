import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/realServices';
import { migrationsDir } from './migrate';
import { PipelineStore, checkParameters } from './PipelineStore';
import { PipelineRunStore } from './PipelineRunStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe('checkParameters', () => {
  it('accepts Argo-style names and string values only', () => {
    expect(() =>
      checkParameters({ epochs: '3', 'learning-rate': '0.1', 'a.b_c': '' }),
    ).not.toThrow();
    expect(() => checkParameters({ '': 'x' })).toThrow(
      expect.objectContaining({ field: 'parameters/' }),
    );
    expect(() => checkParameters({ n: 3 as unknown as string })).toThrow(
      expect.objectContaining({ field: 'parameters/n' }),
    );
    const many = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`p${i}`, 'x']),
    );
    expect(() => checkParameters(many)).toThrow(
      expect.objectContaining({ field: 'parameters' }),
    );
  });
});

describe.each(databases.eachSupportedId())(
  'PipelineStore on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      return {
        knex,
        pipelines: new PipelineStore(knex),
        runs: new PipelineRunStore(knex),
      };
    }

    it('deletes a pipeline with its runs and their lineage, leaving other pipelines alone', async () => {
      const { knex, pipelines, runs } = await setup();
      const train = await pipelines.create({
        name: 'train',
        runtime: 'builtin',
      });
      const other = await pipelines.create({
        name: 'other',
        runtime: 'builtin',
      });
      const doomed = await runs.submit(train, {});
      const kept = await runs.submit(other, {});
      const now = Date.now();
      const edge = (fromId: string, toId: string) => ({
        from_type: 'pipeline-run',
        from_id: fromId,
        relation: 'ran',
        to_type: 'run',
        to_id: toId,
        created_at: now,
      });
      await knex('lineage_edges').insert([
        edge(doomed.id, randomUUID()),
        edge(kept.id, randomUUID()),
      ]);
      await knex('source_refs').insert({
        integration: 'argo:east',
        resource_type: 'pipeline-run',
        external_id: 'argo/train-abcde',
        resource_id: doomed.id,
        synced_at: now,
      });

      await knex.transaction(tx => pipelines.delete('train', tx));

      expect(await knex('pipeline_runs').pluck('id')).toEqual([kept.id]);
      expect(await knex('lineage_edges').pluck('from_id')).toEqual([kept.id]);
      expect(await knex('source_refs')).toHaveLength(0);
      await expect(pipelines.get('train')).rejects.toMatchObject({
        name: 'NotFoundError',
      });
      expect((await pipelines.get('other')).asset.id).toBe(other.asset.id);
    });

    it('checks the template on update against the runtime', async () => {
      const { knex, pipelines } = await setup();
      await pipelines.create({
        name: 'eval',
        runtime: 'argo',
        templateRef: { kind: 'ClusterWorkflowTemplate', name: 'eval' },
      });
      await expect(
        knex.transaction(tx =>
          pipelines.update('eval', { templateRef: null }, tx),
        ),
      ).rejects.toMatchObject({ field: 'templateRef' });
      const moved = await knex.transaction(tx =>
        pipelines.update(
          'eval',
          { templateRef: { kind: 'WorkflowTemplate', name: 'eval-v2' } },
          tx,
        ),
      );
      expect(moved.templateRef).toEqual({
        kind: 'WorkflowTemplate',
        name: 'eval-v2',
      });
    });
  },
);
