import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import { DatasetStore } from './DatasetStore';
import { migrationsDir } from './migrate';
import { RunStore, type MetricPointInput } from './RunStore';
import { upsertSourceRef } from './sourceRefs';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** The run key/value tables, which repeat their run's experiment_id for run search. */
const runKeyValueTables = [
  'run_params',
  'run_tags',
  'run_latest_metrics',
] as const;

/** Every key/value row as [table, run, key, its experiment_id, its run's experiment_id]. */
async function keyValueRowsWithExperiments(knex: Knex) {
  const rows: Array<[string, string, string, string, string]> = [];
  for (const table of runKeyValueTables) {
    const found = await knex(table)
      .join('runs', 'runs.id', `${table}.run_id`)
      .orderBy([`${table}.run_id`, `${table}.key`])
      .select(
        `${table}.run_id as run`,
        `${table}.key as key`,
        `${table}.experiment_id as own`,
        'runs.experiment_id as expected',
      );
    rows.push(
      ...found.map(r => [table, r.run, r.key, r.own, r.expected] as any),
    );
  }
  return rows;
}

describe.each(databases.eachSupportedId())('RunStore on %s', databaseId => {
  let knex: Knex;
  let runs: RunStore;
  let a: string;
  let b: string;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const assets = new AssetStore(knex);
    a = (await assets.create('experiment', { name: 'exp-a' })).id;
    b = (await assets.create('experiment', { name: 'exp-b' })).id;
    runs = new RunStore(knex, assets);
  });

  it('fills experiment_id in params, tags and latest metrics from every writer', async () => {
    // create (params, tags), logBatch (params, tags, metrics twice: insert and update of the
    // latest value), update (tags, including a removal).
    const created = await runs.create({
      experimentId: 'exp-a',
      params: { lr: '0.01' },
      tags: { team: 'nlp', stage: 'dev' },
    });
    const other = await runs.create({ experimentId: b, params: { lr: '0.1' } });
    await knex.transaction(tx =>
      runs.logBatch(
        created.id,
        {
          params: { optimizer: 'adam' },
          tags: { owner: 'ann' },
          metrics: [
            { key: 'loss', value: 0.9, step: 1 },
            { key: 'accuracy', value: 0.5, step: 1 },
          ],
        },
        tx,
      ),
    );
    await knex.transaction(tx =>
      runs.logBatch(
        created.id,
        { metrics: [{ key: 'loss', value: 0.4, step: 2 }] },
        tx,
      ),
    );
    await knex.transaction(tx =>
      runs.logBatch(
        other.id,
        { metrics: [{ key: 'loss', value: 0.7, step: 1 }] },
        tx,
      ),
    );
    await runs.update(created.id, { tags: { stage: 'prod', team: '' } });

    const rows = await keyValueRowsWithExperiments(knex);
    expect(
      rows.map(([table, run, key, own]) => [table, run, key, own]),
    ).toEqual(
      expect.arrayContaining([
        ['run_params', created.id, 'lr', a],
        ['run_params', created.id, 'optimizer', a],
        ['run_params', other.id, 'lr', b],
        ['run_tags', created.id, 'owner', a],
        ['run_tags', created.id, 'stage', a],
        ['run_latest_metrics', created.id, 'accuracy', a],
        ['run_latest_metrics', created.id, 'loss', a],
        ['run_latest_metrics', other.id, 'loss', b],
      ]),
    );
    expect(rows).toHaveLength(8);
    for (const [, , , own, expected] of rows) expect(own).toBe(expected);
    expect((await runs.get(created.id)).metrics.loss.value).toBe(0.4);
    expect((await runs.get(created.id)).tags).toEqual({
      owner: 'ann',
      stage: 'prod',
    });

    // The search reads those rows through the experiment condition: same runs as the filter
    // says, per experiment.
    const search = async (experimentIds: string[], filter: string) =>
      (
        await runs.search({ experimentIds, filter, orderBy: 'metrics.loss' })
      ).items.map(r => r.id);
    expect(await search([a, b], "params.lr = '0.01'")).toEqual([created.id]);
    expect(await search([b], "params.lr = '0.01'")).toEqual([]);
    expect(await search([a, b], 'metrics.loss < 1')).toEqual([
      created.id,
      other.id,
    ]);
    expect(await search([b, a, b], "tags.stage IN ('prod', 'x')")).toEqual([
      created.id,
    ]);
    expect(await search([a], "tags.owner = 'ann'")).toEqual([created.id]);
  });

  it('answers each run of a search page as get reads it, page after page', async () => {
    // The search adds params, tags, latest metrics, inputs and source to its page in an outer
    // query (see RunStore.search); get reads one run with them. Both must tell the same run.
    const assets = new AssetStore(knex);
    const experiment = await assets.create('experiment', { name: 'exp-page' });
    const datasets = new DatasetStore(knex, assets);
    await datasets.create({ name: 'page-data' });
    const version = await datasets.createVersion('page-data', {
      uri: 's3://bucket/page-data',
    });
    const logMetrics = (runId: string, metrics: MetricPointInput[]) =>
      knex.transaction(tx => runs.logBatch(runId, { metrics }, tx));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await runs.create({
        experimentId: experiment.id,
        params: { lr: String(i / 100), seed: String(i) },
        tags: i % 2 === 0 ? { team: 'nlp' } : {},
      });
      if (i < 4) {
        const metrics = [
          { key: 'accuracy', value: 0.5 + i / 10, step: 3 },
          { key: 'loss', value: 1 - i / 10, step: 3 },
        ];
        await logMetrics(run.id, metrics);
      }
      ids.push(run.id);
    }
    await knex.transaction(tx => runs.addInputs(ids[1], [version.id], tx));
    await upsertSourceRef(knex, {
      integration: 'mlflow:main',
      resourceType: 'run',
      externalId: 'abc123',
      resourceId: ids[2],
      url: 'http://mlflow.example/#/runs/abc123',
    });

    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await runs.search({
        experimentIds: [experiment.id],
        orderBy: 'metrics.accuracy DESC',
        maxResults: 2,
        cursor,
      });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    // Highest accuracy first; the run without metrics last.
    expect(seen.map(r => r.id)).toEqual([
      ids[3],
      ids[2],
      ids[1],
      ids[0],
      ids[4],
    ]);
    for (const run of seen) expect(run).toEqual(await runs.get(run.id));
    expect(seen[2].datasetVersionIds).toEqual([version.id]);
    expect(seen[1].source).toMatchObject({ integration: 'mlflow:main' });
    expect(seen[0].metrics.loss).toMatchObject({ value: 0.7, step: 3 });
    expect(seen[4]).toMatchObject({
      params: { lr: '0.04', seed: '4' },
      tags: { team: 'nlp' },
      metrics: {},
    });
  });
});
