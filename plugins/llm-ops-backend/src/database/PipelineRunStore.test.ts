import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/realServices';
import { migrationsDir } from './migrate';
import { PipelineStore } from './PipelineStore';
import { PipelineRunStore } from './PipelineRunStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'PipelineRunStore on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const pipelines = new PipelineStore(knex);
      const pipeline = await pipelines.create({
        name: 'train',
        runtime: 'builtin',
        cluster: 'east',
        parameters: { epochs: '3' },
      });
      return { knex, pipeline, runs: new PipelineRunStore(knex) };
    }

    it('pages runs created in the same millisecond without gaps or repeats', async () => {
      const { knex, pipeline, runs } = await setup();
      const now = Date.now();
      const ids = Array.from({ length: 5 }, () => randomUUID());
      await knex('pipeline_runs').insert(
        ids.map(id => ({
          id,
          pipeline_id: pipeline.asset.id,
          name: `train-${id.slice(0, 5)}`,
          parameters: '{}',
          phase: 'Succeeded',
          // A run written by an older sync: nodes as a plain array.
          nodes: JSON.stringify([
            {
              id: 'n1',
              name: 'n1',
              displayName: 'n1',
              type: 'Pod',
              phase: 'Succeeded',
              startedAt: null,
              finishedAt: null,
              message: null,
            },
          ]),
          created_at: now,
          updated_at: now,
        })),
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await runs.list(pipeline, { pageSize: 2, cursor });
        seen.push(...page.items.map(r => r.id));
        for (const run of page.items) {
          expect(run).toMatchObject({
            pipelineName: 'train',
            cluster: 'east',
            progress: null,
            nodes: [expect.objectContaining({ id: 'n1' })],
          });
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([...ids].sort().reverse());
    });

    it('validates reported times', async () => {
      const { knex, pipeline, runs } = await setup();
      const run = await runs.submit(pipeline, { parameters: { epochs: '1' } });
      await expect(
        knex.transaction(tx =>
          runs.update(
            run.id,
            {
              phase: 'Running',
              nodes: [
                {
                  id: 'a',
                  name: 'a',
                  type: 'Pod',
                  phase: 'Succeeded',
                  startedAt: '2026-11-26T10:00:00Z',
                  finishedAt: '2026-11-26T09:00:00Z',
                },
              ],
            },
            tx,
          ),
        ),
      ).rejects.toMatchObject({ field: 'nodes/0/finishedAt' });
      await expect(
        knex.transaction(tx =>
          runs.update(
            run.id,
            {
              phase: 'Failed',
              startedAt: '2026-11-26T10:00:00Z',
              finishedAt: '2026-11-26T09:00:00Z',
            },
            tx,
          ),
        ),
      ).rejects.toMatchObject({ field: 'finishedAt' });
      await expect(
        knex.transaction(tx =>
          runs.update(run.id, { startedAt: 'yesterday' }, tx),
        ),
      ).rejects.toMatchObject({ field: 'startedAt' });
      const errored = await knex.transaction(tx =>
        runs.update(run.id, { phase: 'Error' }, tx),
      );
      expect(errored.finishedAt).not.toBeNull();
      expect(errored.startedAt).toBeNull();
    });

    it('refuses undeclared parameters', async () => {
      const { pipeline, runs } = await setup();
      await expect(
        runs.submit(pipeline, { parameters: { epoch: '1' } }),
      ).rejects.toMatchObject({
        name: 'InputError',
        field: 'parameters/epoch',
        message: expect.stringMatching(/declares 'epochs'/),
      });
    });
  },
);
