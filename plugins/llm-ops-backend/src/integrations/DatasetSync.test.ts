import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  DataVersioningAdapter,
  DatasetVersionRecord,
  StageLineage,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { createTestDatabases } from '../__testUtils__/realServices';
import { migrationsDir } from '../database/migrate';
import { AssetStore } from '../database/AssetStore';
import { DatasetStore } from '../database/DatasetStore';
import { LineageGraph } from '../database/LineageGraph';
import { PipelineStore } from '../database/PipelineStore';
import { DatasetSync, versionLabel } from './DatasetSync';
import { ToolConnection } from './ToolConnection';
import { DEFAULT_RESILIENCE } from './resilience';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const REPO = '/srv/git/datasets';
const SHA1 = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);

/**
 * What a DVC repository with two tagged revisions reports: raw.csv changes between v1 and v2;
 * the prepare stage turns raw.csv into the prepared directory at v2. The real adapter is tested
 * against real dvc repositories in llm-ops-backend-module-dvc; this test is about the store side.
 */
const version = (
  path: string,
  label: string,
  revision: string,
  md5: string,
  extra: Partial<DatasetVersionRecord> = {},
): DatasetVersionRecord => ({
  datasetName: `datasets/${path}`,
  version: label,
  uri: `/srv/dvc-remote/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`,
  digest: `md5:${md5}`,
  sizeBytes: 14,
  fileCount: 1,
  format: 'csv',
  remoteUrl: '/srv/dvc-remote',
  source: { repository: REPO, path, revision },
  createdAt: revision === SHA1 ? 1_700_000_000_000 : 1_700_000_100_000,
  ...extra,
});

function adapterOf(
  records: DatasetVersionRecord[],
  stages: StageLineage[],
): DataVersioningAdapter & { fail?: Error } {
  const adapter: DataVersioningAdapter & { fail?: Error } = {
    id: 'dvc:datasets',
    category: 'data-versioning',
    capabilities: new Set(['stage-lineage']),
    checkHealth: async () => ({ state: 'up' }),
    listDatasetVersions: async () => {
      if (adapter.fail) throw adapter.fail;
      return records;
    },
    listStageLineage: async () => stages,
  };
  return adapter;
}

const connection = () =>
  new ToolConnection({
    id: 'dvc:datasets',
    type: 'dvc',
    categories: ['data-versioning'],
    enabled: true,
    resilience: { ...DEFAULT_RESILIENCE, retries: 0, timeoutMs: 2000 },
  });

describe.each(databases.eachSupportedId())('DatasetSync on %s', databaseId => {
  let knex: Knex;
  let sync: DatasetSync;
  let datasets: DatasetStore;

  const records = [
    version('data/raw.csv', 'v1', SHA1, '1'.repeat(32)),
    version('data/raw.csv', 'v2', SHA2, '2'.repeat(32)),
    version('data/prepared', 'v2', SHA2, `${'3'.repeat(32)}.dir`, {
      fileCount: 3,
      format: 'dir',
    }),
  ];
  const stages: StageLineage[] = [
    {
      stage: 'prepare',
      repository: REPO,
      revision: SHA2,
      version: 'v2',
      committedAt: 1_700_000_100_000,
      cmd: 'python prepare.py',
      params: { 'params.yaml:split': '0.2' },
      deps: [{ datasetName: 'datasets/data/raw.csv', version: 'v2' }],
      outs: [{ datasetName: 'datasets/data/prepared', version: 'v2' }],
    },
  ];

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    sync = new DatasetSync(knex, mockServices.logger.mock());
    datasets = new DatasetStore(knex, new AssetStore(knex));
  });

  it('records datasets and versions with their digests, sizes and sources, idempotently', async () => {
    const source = {
      adapter: adapterOf(records, stages),
      connection: connection(),
    };
    await sync.sync(source);
    await sync.sync(source); // a second pass changes nothing and duplicates nothing

    const raw = await datasets.listVersions('datasets/data/raw.csv', {});
    expect(raw.items.map(v => v.version)).toEqual(['v2', 'v1']);
    expect(raw.items[1]).toMatchObject({
      digest: `md5:${'1'.repeat(32)}`,
      sizeBytes: 14,
      fileCount: 1,
      uri: `/srv/dvc-remote/files/md5/11/${'1'.repeat(30)}`,
      sourceRepository: {
        repository: REPO,
        path: 'data/raw.csv',
        revision: SHA1,
      },
    });
    // Versions carry the commit's time, not the time of the sync.
    expect(raw.items[1].createdAt).toBe(1_700_000_000_000);
    const prepared = await datasets.getVersion('datasets/data/prepared', 'v2');
    expect(prepared).toMatchObject({ fileCount: 3, format: 'dir' });
    expect(
      Number(
        (
          await knex('versions')
            .join('assets', 'assets.id', 'versions.asset_id')
            .where('assets.kind', 'dataset')
            .count({ n: '*' })
        )[0].n,
      ),
    ).toBe(3);
  });

  it('turns a dvc.lock stage into a dvc pipeline run between the dataset versions', async () => {
    const pipelines = await new PipelineStore(knex).list({});
    const pipeline = pipelines.items.find(p => p.runtime === 'dvc');
    expect(pipeline).toMatchObject({
      runtime: 'dvc',
      asset: { name: 'dvc-datasets-prepare' },
    });
    const runs = await knex('pipeline_runs').where({
      pipeline_id: pipeline!.asset.id,
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      phase: 'Succeeded',
      name: 'dvc-datasets-prepare-v2',
    });
    expect(JSON.parse(runs[0].parameters)).toEqual({
      'params.yaml:split': '0.2',
    });

    const prepared = await datasets.getVersion('datasets/data/prepared', 'v2');
    const graph = await new LineageGraph(knex).of(
      'dataset-version',
      prepared.id,
      3,
    );
    const labels = graph.nodes
      .filter(n => n.direction === 'upstream')
      .map(n => `${n.type}:${n.label}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pipeline-run:/),
        expect.stringMatching(/^dataset-version:.*raw\.csv.*v2/),
      ]),
    );
    // v1 of raw.csv did not feed the v2 stage.
    expect(labels.some(l => /raw\.csv.*v1/.test(l))).toBe(false);
  });

  it('refuses to create or submit dvc pipelines through the API stores', async () => {
    await expect(
      new PipelineStore(knex).create({ name: 'mine', runtime: 'dvc' }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'runtime' });
    await expect(
      new PipelineStore(knex).update('dvc-datasets-prepare', {
        parameters: { split: '0.5' },
      }),
    ).rejects.toMatchObject({ field: 'runtime' });
  });

  it('skips an invalid record without losing the others, and a failing repository marks its integration down', async () => {
    const bad = version('data/other.csv', 'v1', SHA1, '4'.repeat(32), {
      uri: 'x'.repeat(5000),
    });
    const good = version('data/other.csv', 'v2', SHA2, '5'.repeat(32));
    const adapter = adapterOf([bad, good], []);
    const source = { adapter, connection: connection() };
    const result = await sync.sync(source);
    expect(result.skipped).toBe(1);
    expect(
      (await datasets.listVersions('datasets/data/other.csv', {})).items.map(
        v => v.version,
      ),
    ).toEqual(['v2']);

    adapter.fail = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
    });
    await expect(sync.sync(source)).rejects.toThrow('ECONNREFUSED');
    const status = await source.connection.tracker.describe();
    expect(status.state).toBe('down');
    expect(status.lastError).toContain('ECONNREFUSED');
  });

  it('fails the pass, rather than counting refusals, when the database does not answer', async () => {
    const gone = await databases.init(databaseId);
    await gone.migrate.latest({ directory: migrationsDir });
    const logger = mockServices.logger.mock();
    const unanswered = new DatasetSync(gone, logger);
    await gone.destroy();
    await expect(
      unanswered.sync({
        adapter: adapterOf(records, []),
        connection: connection(),
      }),
    ).rejects.toThrow();
    expect(logger.warn).not.toHaveBeenCalled();
  });
});

// SQLite stores a NUL byte in a text column; PostgreSQL refuses the statement, which aborts the
// transaction it runs in unless that statement has a savepoint of its own.
const describeOnPostgres = databases.supports('POSTGRES_15')
  ? describe
  : describe.skip;

describeOnPostgres(
  'DatasetSync on POSTGRES_15 only, with values SQLite stores and PostgreSQL refuses',
  () => {
    let knex: Knex;
    let datasets: DatasetStore;

    beforeAll(async () => {
      knex = await databases.init('POSTGRES_15');
      await knex.migrate.latest({ directory: migrationsDir });
      datasets = new DatasetStore(knex, new AssetStore(knex));
    });

    it('keeps the versions around one the database refuses, and logs no SQL', async () => {
      const logger = mockServices.logger.mock();
      const refusing = new DatasetSync(knex, logger);
      const path = 'data/refused.csv';
      const secretUrl = 'https://ci:s3cret@git.example/datasets/-/tree/v2';
      const third = version(path, 'v3', SHA2, '8'.repeat(32), {
        createdAt: 1_700_000_200_000,
      });
      const result = await refusing.sync({
        adapter: adapterOf(
          [
            version(path, 'v1', SHA1, '6'.repeat(32)),
            // Its version row is written before the refused source ref: the savepoint undoes both.
            version(path, 'v2', SHA2, '7'.repeat(32), {
              url: `${secretUrl}\0`,
            }),
            third,
          ],
          [],
        ),
        connection: connection(),
      });

      expect(result.skipped).toBe(1);
      const stored = await datasets.listVersions(`datasets/${path}`, {});
      expect(stored.items.map(v => v.version)).toEqual(['v3', 'v1']);
      const warnings = logger.warn.mock.calls.map(([message]) => message);
      expect(warnings).toEqual([
        expect.stringMatching(
          /skipped dataset-version datasets\/data\/refused\.csv@v2: .*0x00/,
        ),
      ]);
      expect(warnings[0]).not.toMatch(/insert into|s3cret/i);
      const state = await knex('sync_state')
        .where({ integration: 'dvc:datasets', task: 'datasets' })
        .first('last_error');
      expect(state.last_error).toMatch(/^1 record\(s\) could not be stored/);
      expect(state.last_error).not.toMatch(/insert into|s3cret/i);
    });

    it('skips a dataset the database refuses and stores the next one', async () => {
      const logger = mockServices.logger.mock();
      const refusing = new DatasetSync(knex, logger);
      const result = await refusing.sync({
        adapter: adapterOf(
          [
            // The dataset takes the description of its first version.
            version('data/a.csv', 'v1', SHA1, '9'.repeat(32), {
              description: 'nul\0',
            }),
            version('data/a.csv', 'v2', SHA2, 'a'.repeat(32)),
            version('data/b.csv', 'v1', SHA1, 'b'.repeat(32)),
          ],
          [],
        ),
        connection: connection(),
      });

      expect(result.skipped).toBe(2);
      await expect(datasets.get('datasets/data/a.csv')).rejects.toMatchObject({
        name: 'NotFoundError',
      });
      expect(
        (await datasets.listVersions('datasets/data/b.csv', {})).items,
      ).toHaveLength(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/skipped dataset datasets\/data\/a\.csv: .*0x00/),
      );
    });
  },
);

describe('versionLabel', () => {
  it('keeps valid git tags and makes the others valid labels', () => {
    expect(versionLabel('v1.2.0')).toBe('v1.2.0');
    expect(versionLabel('release/2024-06')).toBe('release-2024-06');
    expect(versionLabel('-x')).toBe('x');
  });
});
