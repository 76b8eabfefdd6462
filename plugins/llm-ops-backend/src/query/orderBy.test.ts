import { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/realServices';
import {
  FixtureRun,
  setUpFixtureDatabase,
  sortRuns,
} from './__testUtils__/runFixtures';
import { applyRunFilter } from './filterCompiler';
import { parseRunFilter } from './filterParser';
import { applyRunOrder, parseRunOrderBy, planRunOrder } from './orderBy';

jest.setTimeout(60_000);

function errorOf(input: any): {
  message: string;
  field?: string;
  name: string;
} {
  try {
    parseRunOrderBy(input);
  } catch (error: any) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseRunOrderBy', () => {
  it('parses entities, keys and directions (ASC by default)', () => {
    expect(parseRunOrderBy('metrics.accuracy DESC')).toEqual([
      { entity: 'metric', key: 'accuracy', direction: 'desc' },
    ]);
    expect(parseRunOrderBy('params.lr')).toEqual([
      { entity: 'param', key: 'lr', direction: 'asc' },
    ]);
    expect(parseRunOrderBy('attributes.start_time ASC')).toEqual([
      { entity: 'attribute', key: 'start_time', direction: 'asc' },
    ]);
    expect(parseRunOrderBy('start_time desc')).toEqual([
      { entity: 'attribute', key: 'start_time', direction: 'desc' },
    ]);
    expect(parseRunOrderBy('run_name')).toEqual([
      { entity: 'attribute', key: 'run_name', direction: 'asc' },
    ]);
    expect(parseRunOrderBy('created Desc')).toEqual([
      { entity: 'attribute', key: 'start_time', direction: 'desc' },
    ]);
    expect(parseRunOrderBy('metrics.`val loss` desc')).toEqual([
      { entity: 'metric', key: 'val loss', direction: 'desc' },
    ]);
    expect(parseRunOrderBy('tags."a.b"')).toEqual([
      { entity: 'tag', key: 'a.b', direction: 'asc' },
    ]);
  });

  it('accepts a list of entries and comma-separated terms', () => {
    const expected = [
      { entity: 'metric', key: 'acc', direction: 'desc' },
      { entity: 'param', key: 'lr', direction: 'asc' },
      { entity: 'attribute', key: 'run_id', direction: 'desc' },
    ];
    expect(
      parseRunOrderBy(['metrics.acc DESC', 'params.lr', 'id desc']),
    ).toEqual(expected);
    expect(parseRunOrderBy('metrics.acc DESC, params.lr,id desc')).toEqual(
      expected,
    );
  });

  it('gives no terms for blank input', () => {
    expect(parseRunOrderBy(undefined)).toEqual([]);
    expect(parseRunOrderBy('')).toEqual([]);
    expect(parseRunOrderBy([])).toEqual([]);
    expect(parseRunOrderBy(['  '])).toEqual([]);
  });

  it.each([
    [
      'metrics.acc DOWN',
      "Invalid order_by at position 13: expected ASC, DESC, ',' or end of order_by but found 'DOWN'",
    ],
    [
      'metrics.acc desc asc',
      "Invalid order_by at position 18: expected ',' or end of order_by but found 'asc'",
    ],
    [
      'metrics.acc,',
      'Invalid order_by at position 13: expected a key such as metrics.accuracy, params.lr, tags.team or an attribute (status, run_name, run_id, start_time, end_time, created) but found end of order_by',
    ],
    [
      'attributes.color',
      "Invalid order_by at position 12: expected an attribute (status, run_name, run_id, start_time, end_time, created) but found 'color'",
    ],
    [
      'accuracy desc',
      'Invalid order_by at position 1: expected a key such as metrics.accuracy, params.accuracy, tags.accuracy or an attribute',
    ],
    [
      'metrics.acc > 1',
      "Invalid order_by at position 13: expected ASC, DESC, ',' or end of order_by but found '>'",
    ],
    [
      ['run_name', 'metricz.x'],
      "Invalid order_by[1] at position 1: expected an entity prefix (metrics, params, tags or attributes) but found 'metricz'",
    ],
    [
      ['run_name', 'params.`x'],
      'Invalid order_by[1] at position 8: expected a closing ` for the text quoted here but found end of order_by[1]',
    ],
    [[42], 'Invalid order_by: expected a string'],
    [['run_name', null], 'Invalid order_by[1]: expected a string'],
  ])('rejects %j', (input, message) => {
    const error = errorOf(input);
    expect(error.name).toBe('InputError');
    expect(error.field).toBe('order_by');
    expect(error.message).toContain(message);
  });
});

describe('parseRunOrderBy limits', () => {
  it('rejects overly long entries and too many terms', () => {
    expect(errorOf('x'.repeat(501))).toMatchObject({
      field: 'order_by',
      message:
        'Invalid order_by: expected at most 500 characters but found 501',
    });
    expect(errorOf(Array(11).fill('metrics.a'))).toMatchObject({
      field: 'order_by',
      message: 'Invalid order_by: expected at most 10 terms but found 11',
    });
    expect(parseRunOrderBy(Array(10).fill('metrics.a'))).toHaveLength(10);
  });
});

describe('planRunOrder', () => {
  it('uses one aliased join per key/value term and ends with runs.id', () => {
    expect(
      planRunOrder(parseRunOrderBy('metrics.acc desc, params.lr, start_time')),
    ).toEqual({
      joins: [
        { table: 'run_latest_metrics', alias: 'ord0', key: 'acc' },
        { table: 'run_params', alias: 'ord1', key: 'lr' },
      ],
      columns: [
        {
          expr: 'ord0.value',
          direction: 'desc',
          nullable: true,
          numeric: true,
          float: true,
        },
        {
          expr: 'ord1.value',
          direction: 'asc',
          nullable: true,
          numeric: false,
          float: false,
        },
        {
          expr: 'runs.start_time',
          direction: 'asc',
          nullable: true,
          numeric: true,
        },
        { expr: 'runs.id', direction: 'asc', nullable: false, numeric: false },
      ],
    });
  });

  it('defaults to start_time DESC, id ASC and does not repeat an explicit id term', () => {
    expect(planRunOrder([]).columns.map(c => [c.expr, c.direction])).toEqual([
      ['runs.start_time', 'desc'],
      ['runs.id', 'asc'],
    ]);
    expect(
      planRunOrder(parseRunOrderBy('run_id desc'), { runsAlias: 'r' }).columns,
    ).toEqual([
      { expr: 'r.id', direction: 'desc', nullable: false, numeric: false },
    ]);
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'applyRunOrder on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let runs: FixtureRun[];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      runs = await setUpFixtureDatabase(knex);
    });

    async function orderedIds(
      orderBy: string | string[],
      filter = '',
    ): Promise<string[]> {
      const qb = knex('runs').select('runs.id');
      applyRunFilter(qb, parseRunFilter(filter));
      const rows = await applyRunOrder(qb, parseRunOrderBy(orderBy));
      const found = rows.map((row: { id: string }) => row.id);
      // As run search sends it: limited to both experiments, with the experiment condition in
      // every join (and filter subquery), the same runs in the same order.
      const experimentIds = ['exp-b', 'exp-a'];
      const scoped = knex('runs')
        .select('runs.id')
        .whereIn('runs.experiment_id', experimentIds);
      applyRunFilter(scoped, parseRunFilter(filter), { experimentIds });
      applyRunOrder(scoped, parseRunOrderBy(orderBy), { experimentIds });
      expect((await scoped).map((row: { id: string }) => row.id)).toEqual(
        found,
      );
      return found;
    }

    it('repeats the experiments in every join', () => {
      const text = applyRunOrder(
        knex('runs').select('runs.id'),
        parseRunOrderBy('metrics.acc desc, start_time, tags.team'),
        { experimentIds: ['e1', 'e2', 'e2'] },
      )
        .toSQL()
        .sql.replace(/[`"]/g, '');
      expect(text).toContain(
        'left join run_latest_metrics as ord0 on ord0.run_id = runs.id and ord0.experiment_id in (?, ?) and ord0.key = ?',
      );
      expect(text).toContain(
        'left join run_tags as ord2 on ord2.run_id = runs.id and ord2.experiment_id in (?, ?) and ord2.key = ?',
      );
    });

    const ids = (rows: FixtureRun[]) => rows.map(r => r.id);

    it.each(['asc', 'desc'] as const)(
      'orders by a metric %s with NULLs last and ties by id',
      async direction => {
        const actual = await orderedIds(`metrics.accuracy ${direction}`);
        expect(actual).toEqual(
          ids(sortRuns(runs, [{ value: r => r.metrics.accuracy, direction }])),
        );
        // The runs without the metric are the tail, in id order.
        const missing = ids(runs.filter(r => r.metrics.accuracy === undefined));
        expect(actual.slice(-missing.length)).toEqual(missing);
      },
    );

    it.each(['asc', 'desc'] as const)(
      'orders by a param %s',
      async direction => {
        expect(await orderedIds(`params.lr ${direction}`)).toEqual(
          ids(sortRuns(runs, [{ value: r => r.params.lr, direction }])),
        );
      },
    );

    it.each(['asc', 'desc'] as const)(
      'orders by start_time and run_name %s',
      async direction => {
        expect(await orderedIds(`attributes.start_time ${direction}`)).toEqual(
          ids(sortRuns(runs, [{ value: r => r.start_time, direction }])),
        );
        expect(await orderedIds(`run_name ${direction}`)).toEqual(
          ids(sortRuns(runs, [{ value: r => r.name, direction }])),
        );
      },
    );

    it('uses start_time DESC, id ASC by default', async () => {
      const actual = await orderedIds([]);
      expect(actual).toEqual(
        ids(sortRuns(runs, [{ value: r => r.start_time, direction: 'desc' }])),
      );
      expect(actual[0]).toBe('run-05'); // the latest start_time, ties broken by id
    });

    it('combines several terms, a quoted key and a filter', async () => {
      expect(
        await orderedIds([
          'params.lr DESC',
          'metrics.accuracy',
          'metrics.`val loss` desc',
        ]),
      ).toEqual(
        ids(
          sortRuns(runs, [
            { value: r => r.params.lr, direction: 'desc' },
            { value: r => r.metrics.accuracy, direction: 'asc' },
            { value: r => r.metrics['val loss'], direction: 'desc' },
          ]),
        ),
      );
      expect(
        await orderedIds('metrics.loss desc', "params.optimizer = 'sgd'"),
      ).toEqual(
        ids(
          sortRuns(
            runs.filter(r => r.params.optimizer === 'sgd'),
            [{ value: r => r.metrics.loss, direction: 'desc' }],
          ),
        ),
      );
    });

    it('orders by id descending when asked', async () => {
      expect(await orderedIds('run_id desc')).toEqual(ids(runs).reverse());
    });
  },
);
