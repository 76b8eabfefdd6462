import { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/realServices';
import { FixtureRun, setUpFixtureDatabase } from './__testUtils__/runFixtures';
import { applyRunFilter } from './filterCompiler';
import { parseRunFilter } from './filterParser';
import { FilterExpression } from './types';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'applyRunFilter on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let runs: FixtureRun[];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      runs = await setUpFixtureDatabase(knex);
    });

    const idsOf = (rows: { id: string }[]) => rows.map(row => row.id);

    // Every filter also runs the way run search sends it, limited to experiments, with the
    // experiment condition in each subquery (and on PostgreSQL the indexed value prefix):
    // over both experiments it must find the same runs, and over one the same runs of it.
    async function idsFor(filter: string): Promise<string[]> {
      const ast = parseRunFilter(filter);
      const query = () => knex('runs').select('runs.id').orderBy('runs.id');
      const ids = idsOf(await applyRunFilter(query(), ast));
      for (const experimentIds of [['exp-a', 'exp-b'], ['exp-b']]) {
        const scoped = await applyRunFilter(
          query().whereIn('runs.experiment_id', experimentIds),
          ast,
          { experimentIds },
        );
        const inThem = new Set(
          runs
            .filter(r => experimentIds.includes(r.experiment_id))
            .map(r => r.id),
        );
        expect([filter, experimentIds, idsOf(scoped)]).toEqual([
          filter,
          experimentIds,
          ids.filter(id => inThem.has(id)),
        ]);
      }
      return ids;
    }

    // Expected ids from a plain JS predicate over the fixture; never empty and never everything,
    // so each case can actually fail.
    function expected(predicate: (run: FixtureRun) => boolean): string[] {
      const ids = runs.filter(predicate).map(run => run.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(runs.length);
      return ids;
    }

    it('matches every run for an empty filter', async () => {
      expect(await idsFor('  ')).toEqual(runs.map(run => run.id));
    });

    it('combines metric, param, tag and attribute comparisons with AND', async () => {
      const ids = await idsFor(
        "metrics.accuracy >= 0.9 and params.lr = '0.001' and tags.team ILIKE 'nl%' and attributes.status != 'RUNNING'",
      );
      expect(ids).toEqual(
        expected(
          r =>
            r.metrics.accuracy >= 0.9 &&
            r.params.lr === '0.001' &&
            /^nl/i.test(r.tags.team ?? '') &&
            r.status !== 'RUNNING',
        ),
      );
    });

    it.each([
      ['=', (v: number) => v === 0.7],
      ['!=', (v: number) => v !== 0.7],
      ['>', (v: number) => v > 0.7],
      ['>=', (v: number) => v >= 0.7],
      ['<', (v: number) => v < 0.7],
      ['<=', (v: number) => v <= 0.7],
    ])(
      'metrics.accuracy %s 0.7 (runs without the metric never match)',
      async (op, test) => {
        expect(await idsFor(`metrics.accuracy ${op} 0.7`)).toEqual(
          expected(
            r => r.metrics.accuracy !== undefined && test(r.metrics.accuracy),
          ),
        );
      },
    );

    it('compares params and tags as strings, case-sensitively', async () => {
      expect(await idsFor("params.lr = '0.003'")).toEqual(
        expected(r => r.params.lr === '0.003'),
      );
      expect(await idsFor("params.optimizer = 'adam'")).toEqual(
        expected(r => r.params.optimizer === 'adam'),
      );
      expect(await idsFor("tags.team = 'NLP'")).toEqual(
        expected(r => r.tags.team === 'NLP'),
      );
    });

    it('treats != and NOT IN as "the key exists with another value" (MLflow semantics)', async () => {
      expect(await idsFor("params.lr != '0.003'")).toEqual(
        expected(r => r.params.lr !== undefined && r.params.lr !== '0.003'),
      );
      expect(await idsFor("tags.team NOT IN ('nlp', 'NLP')")).toEqual(
        expected(
          r =>
            r.tags.team !== undefined && !['nlp', 'NLP'].includes(r.tags.team),
        ),
      );
    });

    it('supports IN lists', async () => {
      expect(await idsFor("params.lr IN ('0.001', '0.010')")).toEqual(
        expected(r => ['0.001', '0.010'].includes(r.params.lr)),
      );
    });

    it('supports IS NULL / IS NOT NULL as key absent / present', async () => {
      expect(await idsFor('params.lr IS NULL')).toEqual(
        expected(r => r.params.lr === undefined),
      );
      expect(await idsFor('tags.team is not null')).toEqual(
        expected(r => r.tags.team !== undefined),
      );
      expect(
        await idsFor("tags.team IS NULL and params.optimizer = 'sgd'"),
      ).toEqual(
        expected(
          r => r.tags.team === undefined && r.params.optimizer === 'sgd',
        ),
      );
    });

    it('makes LIKE case-sensitive and ILIKE case-insensitive on every engine', async () => {
      expect(await idsFor("params.optimizer LIKE 'a%'")).toEqual(
        expected(r => r.params.optimizer === 'adam'),
      );
      expect(await idsFor("params.optimizer LIKE 'A%'")).toEqual(
        expected(r => r.params.optimizer === 'Adam'),
      );
      expect(await idsFor("params.optimizer ILIKE 'a%'")).toEqual(
        expected(r => /^a/i.test(r.params.optimizer)),
      );
      expect(await idsFor("tags.team LIKE 'NL%'")).toEqual(
        expected(r => r.tags.team === 'NLP'),
      );
    });

    it('honours LIKE wildcards and escapes and keeps GLOB characters literal', async () => {
      const notes = async (pattern: string, op = 'LIKE') =>
        (await idsFor(`tags.note ${op} '${pattern}'`)).map(
          id => runs.find(r => r.id === id)!.tags.note,
        );
      expect(await notes('100_')).toEqual(['100%', '1000']);
      expect(await notes('100\\\\%')).toEqual(['100%']);
      expect(await notes('100%')).toEqual(['100%', '1000']);
      expect(await notes('a*b')).toEqual(['a*b']);
      expect(await notes('a?b')).toEqual([]);
      expect(await notes('a[b]')).toEqual(['a[b]']);
      expect(await notes('%b%')).toEqual(['a*b', 'axb', 'a[b]']);
      expect(await notes('A*B', 'ILIKE')).toEqual(['a*b']);
      expect(await notes('A*B', 'LIKE')).toEqual([]);
      expect(await idsFor("tags.team LIKE 'nl\\\\_p'")).toEqual(
        expected(r => r.tags.team === 'nl_p'),
      );
    });

    it('handles quoted keys with spaces, dots and dashes', async () => {
      expect(await idsFor('metrics.`val loss` < 0.1')).toEqual(
        expected(r => r.metrics['val loss'] < 0.1),
      );
      expect(await idsFor('params."lr.base" = \'0.1\'')).toEqual(
        expected(r => r.params['lr.base'] === '0.1'),
      );
      expect(await idsFor("tags.`owner-name` = 'ann'")).toEqual(
        expected(r => r.tags['owner-name'] === 'ann'),
      );
    });

    it('maps attributes to run columns', async () => {
      expect(await idsFor("attributes.status = 'FAILED'")).toEqual(
        expected(r => r.status === 'FAILED'),
      );
      expect(await idsFor("status IN ('KILLED', 'SCHEDULED')")).toEqual(
        expected(r => ['KILLED', 'SCHEDULED'].includes(r.status)),
      );
      expect(await idsFor("status NOT IN ('FINISHED')")).toEqual(
        expected(r => r.status !== 'FINISHED'),
      );
      expect(await idsFor("run_name LIKE 'train-1%'")).toEqual(
        expected(r => (r.name ?? '').startsWith('train-1')),
      );
      expect(await idsFor("attributes.name ILIKE 'TRAIN-0%'")).toEqual(
        expected(r => (r.name ?? '').startsWith('train-0')),
      );
      expect(await idsFor("run_name = 'TRAIN-05'")).toEqual([]);
      expect(await idsFor("run_id IN ('run-02', 'run-07')")).toEqual([
        'run-02',
        'run-07',
      ]);
      expect(await idsFor("attr.id = 'run-03'")).toEqual(['run-03']);
      expect(await idsFor('start_time >= 1700000004000')).toEqual(
        expected(
          r => r.start_time !== null && r.start_time >= 1_700_000_004_000,
        ),
      );
      expect(await idsFor('created < 1700000001000')).toEqual(
        expected(
          r => r.start_time !== null && r.start_time < 1_700_000_001_000,
        ),
      );
      expect(await idsFor('end_time > 1700000005200')).toEqual(
        expected(r => r.end_time !== null && r.end_time > 1_700_000_005_200),
      );
    });

    it('treats injection attempts as data', async () => {
      expect(await idsFor("params.lr = '1'' OR 1=1 --'")).toEqual(['run-13']);
      expect(await idsFor("params.lr = '1\\' OR 1=1 --'")).toEqual(['run-13']);
      expect(await idsFor("tags.team = 'x'' OR ''1''=''1'")).toEqual([]);
      expect(await idsFor("params.`lr' OR 1=1 --` = 'x'")).toEqual([]);
      expect(await idsFor("run_name = 'x''; DROP TABLE runs; --'")).toEqual([]);
      expect(await knex('runs').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
    });

    it('binds every value instead of writing it into the SQL', () => {
      const qb = applyRunFilter(
        knex('runs').select('runs.id'),
        parseRunFilter(
          "params.lr = 'SECRET1' and metrics.acc > 0.123 and status IN ('KILLED')",
        ),
      );
      const { sql, bindings } = qb.toSQL();
      expect(sql).not.toMatch(/SECRET1|0\.123|KILLED/);
      expect(bindings).toEqual(
        expect.arrayContaining(['lr', 'SECRET1', 'acc', 0.123, 'KILLED']),
      );
      expect(sql.toLowerCase()).toContain('exists (select 1 from');
    });

    it('repeats the experiments in every key/value subquery and, on PostgreSQL, compares the indexed value prefix for = and IN', () => {
      const { sql, bindings } = applyRunFilter(
        knex('runs').select('runs.id'),
        parseRunFilter(
          "metrics.acc > 0.5 and params.opt = 'adam' and tags.team IN ('a', 'b') and params.lr != '1' and tags.x IS NULL and status = 'FAILED'",
        ),
        { experimentIds: ['e1', 'e2', 'e1'] },
      ).toSQL();
      const text = sql.replace(/[`"]/g, '');
      for (const alias of ['flt0', 'flt1', 'flt2', 'flt3', 'flt4'])
        expect(text).toContain(`${alias}.experiment_id in (?, ?)`);
      expect(text).not.toContain('flt5');
      expect(bindings.filter(b => b === 'e1')).toHaveLength(5);
      const pg = knex.client.config.client === 'pg';
      expect([
        text.includes('left(flt1.value, 100) = left(?, 100)'),
        text.includes('left(flt2.value, 100) in (left(?, 100), left(?, 100))'),
        text.match(/left\(/g)?.length ?? 0,
      ]).toEqual(pg ? [true, true, 5] : [false, false, 0]);
      // Without experiments (a search over all of them) there is no such condition.
      expect(
        applyRunFilter(
          knex('runs').select('runs.id'),
          parseRunFilter("params.opt = 'adam'"),
        ).toSQL().sql,
      ).not.toContain('experiment_id');
    });

    it('supports an alias for the runs table', async () => {
      const qb = knex('runs as r').select('r.id').orderBy('r.id');
      const rows = await applyRunFilter(
        qb,
        parseRunFilter("params.lr = '0.003' and status = 'FAILED'"),
        {
          runsAlias: 'r',
        },
      );
      expect(rows.map((row: { id: string }) => row.id)).toEqual(
        expected(r => r.params.lr === '0.003' && r.status === 'FAILED'),
      );
    });

    it('rejects malformed hand-built expressions', () => {
      const bad = (comparison: any): FilterExpression => ({
        type: 'and',
        comparisons: [comparison],
      });
      const qb = () => knex('runs');
      expect(() =>
        applyRunFilter(
          qb(),
          bad({ entity: 'metric', key: 'x', op: '; drop', value: 1 }),
        ),
      ).toThrow('not supported');
      expect(() =>
        applyRunFilter(
          qb(),
          bad({ entity: 'metric', key: 'x', op: '>', value: '1' }),
        ),
      ).toThrow('needs a number');
      expect(() =>
        applyRunFilter(
          qb(),
          bad({ entity: 'attribute', key: 'color', op: '=', value: 'x' }),
        ),
      ).toThrow("Unknown run attribute 'color'");
      expect(() =>
        applyRunFilter(qb(), bad({}), { runsAlias: 'runs; --' }),
      ).toThrow('Invalid runs alias');
    });
  },
);
