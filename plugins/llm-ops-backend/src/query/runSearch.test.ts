import { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/realServices';
import {
  buildFixtureRuns,
  createRunTables,
  FixtureRun,
  insertFixtureRuns,
  setUpFixtureDatabase,
  sortRuns,
} from './__testUtils__/runFixtures';
import { searchRuns, SearchRunsOptions } from './runSearch';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'searchRuns on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let runs: FixtureRun[];
    let live: FixtureRun[];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      runs = await setUpFixtureDatabase(knex);
      live = runs.filter(r => !r.deleted);
    });

    // Follows nextCursor until the end, checking every page but the last is full.
    async function walk(
      options: SearchRunsOptions,
      pageSize = 3,
    ): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const result = await searchRuns(knex, {
          ...options,
          maxResults: pageSize,
          cursor,
        });
        seen.push(...result.runs.map(r => r.id));
        if (!result.nextCursor) return seen;
        expect(result.runs).toHaveLength(pageSize);
        cursor = result.nextCursor;
      }
      throw new Error('paging did not end');
    }

    const ids = (rows: FixtureRun[]) => rows.map(r => r.id);

    it.each([
      ['metrics.accuracy DESC', (r: FixtureRun) => r.metrics.accuracy, 'desc'],
      ['metrics.accuracy ASC', (r: FixtureRun) => r.metrics.accuracy, 'asc'],
      ['params.lr', (r: FixtureRun) => r.params.lr, 'asc'],
      ['params.lr desc', (r: FixtureRun) => r.params.lr, 'desc'],
      ['start_time ASC', (r: FixtureRun) => r.start_time, 'asc'],
      ['attributes.end_time desc', (r: FixtureRun) => r.end_time, 'desc'],
      ['run_name DESC', (r: FixtureRun) => r.name, 'desc'],
    ] as const)(
      'pages through %s visiting every run once, in order',
      async (orderBy, value, direction) => {
        const seen = await walk({ orderBy });
        expect(seen).toEqual(ids(sortRuns(live, [{ value, direction }])));
        expect(new Set(seen).size).toBe(live.length);
      },
    );

    it('pages with the default order (start_time DESC, id ASC)', async () => {
      expect(await walk({})).toEqual(
        ids(sortRuns(live, [{ value: r => r.start_time, direction: 'desc' }])),
      );
    });

    it('pages with several order terms and a filter', async () => {
      const seen = await walk({
        filter: "params.optimizer != 'sgd' and metrics.loss < 3",
        orderBy: [
          'metrics.accuracy DESC',
          'params.lr ASC',
          'tags.`owner-name`',
        ],
      });
      const expected = sortRuns(
        live.filter(r => r.params.optimizer !== 'sgd' && r.metrics.loss < 3),
        [
          { value: r => r.metrics.accuracy, direction: 'desc' },
          { value: r => r.params.lr, direction: 'asc' },
          { value: r => r.tags['owner-name'], direction: 'asc' },
        ],
      );
      expect(expected.length).toBeGreaterThan(6);
      expect(seen).toEqual(ids(expected));
    });

    it('returns numeric times, no sort-key columns, and respects experiments and deletion', async () => {
      const page = await searchRuns(knex, { filter: "run_id = 'run-05'" });
      expect(page.nextCursor).toBeUndefined();
      expect(page.runs).toEqual([
        expect.objectContaining({
          id: 'run-05',
          experiment_id: 'exp-a',
          name: 'train-05',
          status: 'SCHEDULED',
          start_time: 1_700_000_005_000,
          end_time: 1_700_000_005_050,
        }),
      ]);
      expect(
        Object.keys(page.runs[0]).filter(k => k.startsWith('sort_key')),
      ).toEqual([]);

      expect(
        (await searchRuns(knex, { filter: "run_id = 'run-36'" })).runs,
      ).toEqual([]);
      expect(
        (
          await searchRuns(knex, {
            filter: "run_id = 'run-36'",
            includeDeleted: true,
          })
        ).runs,
      ).toHaveLength(1);
      expect(
        await walk({ experimentIds: ['exp-b'], orderBy: 'run_id' }, 4),
      ).toEqual(ids(live.filter(r => r.experiment_id === 'exp-b')));
    });

    it('treats injection attempts in filters as data', async () => {
      const page = await searchRuns(knex, {
        filter: "params.lr = '1'' OR 1=1 --'",
      });
      expect(page.runs.map(r => r.id)).toEqual(['run-13']);
    });

    it('rejects cursors from another order, tampered cursors and bad page sizes', async () => {
      const first = await searchRuns(knex, {
        orderBy: 'metrics.accuracy DESC',
        maxResults: 3,
      });
      expect(first.nextCursor).toBeDefined();
      await expect(
        searchRuns(knex, {
          orderBy: 'metrics.loss DESC',
          maxResults: 3,
          cursor: first.nextCursor,
        }),
      ).rejects.toMatchObject({ name: 'InputError', field: 'cursor' });
      await expect(
        searchRuns(knex, {
          orderBy: 'metrics.accuracy DESC',
          cursor: `${first.nextCursor}x`,
        }),
      ).rejects.toMatchObject({ name: 'InputError', field: 'cursor' });
      await expect(searchRuns(knex, { maxResults: 0 })).rejects.toMatchObject({
        name: 'InputError',
        field: 'max_results',
      });
      await expect(
        searchRuns(knex, { filter: 'metrics.a >' }),
      ).rejects.toMatchObject({
        name: 'InputError',
        field: 'filter',
      });
      await expect(
        searchRuns(knex, { orderBy: 'metrics.a sideways' }),
      ).rejects.toMatchObject({
        field: 'order_by',
      });
    });
  },
);

// The experiment condition in the filter subqueries and order joins (and on PostgreSQL the
// indexed prefix of param and tag values) must not change a search's result.
describe.each(databases.eachSupportedId())(
  'searchRuns within experiments on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let runs: FixtureRun[];
    let live: FixtureRun[];

    // Params and tags longer than the indexed 100-character prefix, equal in it: only the exact
    // comparison tells them apart (a filter holds at most 2,000 characters). run-41's value is
    // one character shorter than the prefix and a prefix of all the others.
    const prefix = 'p'.repeat(100);
    const short = 'p'.repeat(99);
    const long: Record<string, string> = {
      'run-37': `${prefix}A`,
      'run-38': `${prefix}B`,
      'run-39': prefix,
      'run-40': `${prefix}${'x'.repeat(1800)}`,
      'run-41': short,
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const fixture = buildFixtureRuns();
      const extra: FixtureRun[] = Object.entries(long).map(
        ([id, value], i) => ({
          ...fixture[i],
          id,
          experiment_id: i % 2 ? 'exp-c' : 'exp-a',
          deleted: false,
          metrics: { accuracy: 0.9 + i / 100 },
          params: { prompt: value, optimizer: 'adam' },
          tags: { note: value },
        }),
      );
      runs = [...fixture, ...extra];
      await createRunTables(knex);
      await insertFixtureRuns(knex, runs);
      live = runs.filter(r => !r.deleted);
    });

    async function walk(options: SearchRunsOptions): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const result = await searchRuns(knex, {
          ...options,
          maxResults: 4,
          cursor,
        });
        seen.push(...result.runs.map(r => r.id));
        if (!result.nextCursor) return seen;
        cursor = result.nextCursor;
      }
      throw new Error('paging did not end');
    }

    const filters: Array<[string, (r: FixtureRun) => boolean]> = [
      ['', () => true],
      [
        "metrics.accuracy > 0.6 and params.optimizer = 'adam'",
        r => r.metrics.accuracy > 0.6 && r.params.optimizer === 'adam',
      ],
      [
        "params.lr IN ('0.001', '0.010') and tags.team != 'vision'",
        r =>
          ['0.001', '0.010'].includes(r.params.lr) &&
          r.tags.team !== undefined &&
          r.tags.team !== 'vision',
      ],
      ["tags.team = 'nlp'", r => r.tags.team === 'nlp'],
      [`params.prompt = '${prefix}A'`, r => r.params.prompt === `${prefix}A`],
      [
        `tags.note IN ('${prefix}', '${prefix}B')`,
        r => [prefix, `${prefix}B`].includes(r.tags.note),
      ],
      [`params.prompt = '${long['run-40']}'`, r => r.id === 'run-40'],
      [`params.prompt = '${short}'`, r => r.params.prompt === short],
      [`tags.note IN ('${short}', 'nothing')`, r => r.tags.note === short],
      [
        `params.prompt != '${prefix}'`,
        r => r.params.prompt !== undefined && r.params.prompt !== prefix,
      ],
      ['tags.team IS NULL', r => r.tags.team === undefined],
    ];

    const orders: Array<
      [
        string,
        (r: FixtureRun) => string | number | null | undefined,
        'asc' | 'desc',
      ]
    > = [
      ['metrics.accuracy DESC', r => r.metrics.accuracy, 'desc'],
      ['params.lr', r => r.params.lr, 'asc'],
      ['tags.note DESC', r => r.tags.note, 'desc'],
      ['start_time', r => r.start_time, 'asc'],
    ];

    it.each([[['exp-a']], [['exp-b', 'exp-c']], [['exp-a', 'exp-b', 'exp-c']]])(
      'finds what the filter says, in order, in experiments %j',
      async experimentIds => {
        let nonEmpty = 0;
        for (const [filter, predicate] of filters) {
          for (const [orderBy, value, direction] of orders) {
            const expected = sortRuns(
              live.filter(
                r => experimentIds.includes(r.experiment_id) && predicate(r),
              ),
              [{ value, direction }],
            ).map(r => r.id);
            if (expected.length > 0) nonEmpty++;
            expect([
              filter,
              orderBy,
              await walk({ experimentIds, filter, orderBy }),
            ]).toEqual([filter, orderBy, expected]);
          }
        }
        expect(nonEmpty).toBeGreaterThan(filters.length);
      },
    );

    it('finds nothing for an empty experiment list', async () => {
      expect(
        await walk({
          experimentIds: [],
          filter: "params.optimizer = 'adam'",
          orderBy: 'metrics.accuracy DESC',
        }),
      ).toEqual([]);
    });
  },
);

// MLflow logs NaN (a diverged loss) and PostgreSQL keeps it, sorted above every number; SQLite
// cannot store it. A page that ends on a NaN must hand out a cursor its next page accepts.
describe.each(
  databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
)('searchRuns ordered by a metric holding NaN on %s', databaseId => {
  let knex: Knex;
  let live: FixtureRun[];

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    const runs = buildFixtureRuns().map((run, i) =>
      i % 5 === 1
        ? { ...run, metrics: { ...run.metrics, accuracy: NaN } }
        : run,
    );
    await createRunTables(knex);
    await insertFixtureRuns(knex, runs);
    live = runs.filter(r => !r.deleted);
  });

  it.each(['asc', 'desc'] as const)(
    'pages through NaN values (%s), one run a page',
    async direction => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const result = await searchRuns(knex, {
          orderBy: [`metrics.accuracy ${direction}`],
          maxResults: 1,
          cursor,
        });
        ids.push(...result.runs.map(r => r.id));
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      expect([...ids].sort()).toEqual(live.map(r => r.id).sort());
      const nan = live
        .filter(r => Number.isNaN(r.metrics.accuracy))
        .map(r => r.id)
        .sort();
      expect(nan.length).toBeGreaterThan(2);
      // NaN sorts above every number: last of the values ascending (before the runs without
      // the metric, NULLs last), first descending.
      const nanPositions = nan.map(id => ids.indexOf(id)).sort((a, b) => a - b);
      const withMetric = live.filter(r => r.metrics.accuracy !== undefined);
      expect(nanPositions).toEqual(
        direction === 'desc'
          ? nan.map((_, i) => i)
          : nan.map((_, i) => withMetric.length - nan.length + i),
      );
    },
  );
});
