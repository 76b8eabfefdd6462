import type { Knex } from 'knex';
import type { TrackedRun } from '@llm-ops/backstage-plugin-llm-ops-node';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import { migrationsDir } from './migrate';
import { RunStore } from './RunStore';
import { upsertTrackedRun } from './syncUpserts';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const trackedRun = (overrides: Partial<TrackedRun> = {}): TrackedRun => ({
  externalId: 'mlflow-run-1',
  experimentExternalId: 'mlflow-exp-1',
  name: 'synced',
  status: 'FINISHED',
  startTime: 1_700_000_000_000,
  endTime: 1_700_000_060_000,
  lifecycle: 'active',
  params: { lr: '0.01', optimizer: 'adam' },
  tags: { team: 'nlp', 'llm-ops.id': 'ignored' },
  metrics: { loss: { value: 0.3, step: 10, timestamp: 1_700_000_050_000 } },
  datasetInputs: [],
  ...overrides,
});

/** [table, key, experiment_id of the row] of one run, with the run's own experiment_id. */
async function keyValueRows(knex: Knex, runId: string) {
  const rows: Array<[string, string, string]> = [];
  for (const table of ['run_params', 'run_tags', 'run_latest_metrics']) {
    const found = await knex(table)
      .where('run_id', runId)
      .orderBy('key')
      .select('key', 'experiment_id');
    rows.push(...found.map(r => [table, r.key, r.experiment_id] as any));
  }
  const run = await knex('runs').where('id', runId).first('experiment_id');
  return { rows, runExperiment: run.experiment_id as string };
}

describe.each(databases.eachSupportedId())(
  'upsertTrackedRun on %s',
  databaseId => {
    let knex: Knex;
    let runs: RunStore;
    let a: string;
    let b: string;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const assets = new AssetStore(knex);
      a = (await assets.create('experiment', { name: 'synced-a' })).id;
      b = (await assets.create('experiment', { name: 'synced-b' })).id;
      runs = new RunStore(knex, assets);
    });

    it('fills experiment_id on insert and on update, and follows a change of experiment', async () => {
      const id = await upsertTrackedRun(knex, 'mlflow:test', a, trackedRun());
      expect(await keyValueRows(knex, id)).toEqual({
        runExperiment: a,
        rows: [
          ['run_params', 'lr', a],
          ['run_params', 'optimizer', a],
          ['run_tags', 'team', a],
          ['run_latest_metrics', 'loss', a],
        ],
      });

      // The same run again, now with a new metric and param (inserted) and changed ones (merged).
      expect(
        await upsertTrackedRun(
          knex,
          'mlflow:test',
          a,
          trackedRun({
            params: { lr: '0.01', optimizer: 'sgd', seed: '7' },
            metrics: {
              loss: { value: 0.2, step: 11, timestamp: 1_700_000_055_000 },
              f1: { value: 0.8, step: 11, timestamp: 1_700_000_055_000 },
            },
          }),
        ),
      ).toBe(id);
      expect((await keyValueRows(knex, id)).rows).toEqual([
        ['run_params', 'lr', a],
        ['run_params', 'optimizer', a],
        ['run_params', 'seed', a],
        ['run_tags', 'team', a],
        ['run_latest_metrics', 'f1', a],
        ['run_latest_metrics', 'loss', a],
      ]);

      // Mapped to another llm-ops experiment (e.g. re-linked): every row follows the run,
      // including params and metrics this sync no longer reports.
      await upsertTrackedRun(
        knex,
        'mlflow:test',
        b,
        trackedRun({ params: { lr: '0.01' }, metrics: {} }),
      );
      expect(await keyValueRows(knex, id)).toEqual({
        runExperiment: b,
        rows: [
          ['run_params', 'lr', b],
          ['run_params', 'optimizer', b],
          ['run_params', 'seed', b],
          ['run_tags', 'team', b],
          ['run_latest_metrics', 'f1', b],
          ['run_latest_metrics', 'loss', b],
        ],
      });

      const search = async (experimentIds: string[], filter: string) =>
        (
          await runs.search({
            experimentIds,
            filter,
            orderBy: ['metrics.f1 DESC', 'params.seed'],
          })
        ).items.map(r => r.id);
      expect(
        await search([b], "metrics.f1 > 0.5 and params.optimizer = 'sgd'"),
      ).toEqual([id]);
      expect(await search([b], "tags.team IN ('nlp')")).toEqual([id]);
      expect(await search([a], "tags.team IN ('nlp')")).toEqual([]);
    });
  },
);
