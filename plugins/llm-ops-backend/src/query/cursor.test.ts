import { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/realServices';
import { sortRuns } from './__testUtils__/runFixtures';
import {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  encodeCursor,
  KeysetColumn,
  pageOf,
} from './cursor';

jest.setTimeout(60_000);

function errorOf(fn: () => unknown): {
  message: string;
  field?: string;
  name: string;
} {
  try {
    fn();
  } catch (error: any) {
    return error;
  }
  throw new Error('expected a rejection');
}

const reencode = (payload: unknown) =>
  Buffer.from(JSON.stringify(payload)).toString('base64url');
const rawPayload = (cursor: string) =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString());

describe('encodeCursor / decodeCursor', () => {
  it('round-trips strings, numbers, booleans, nulls, dates and non-finite numbers', () => {
    const date = new Date('2024-05-06T07:08:09.123Z');
    const values = [
      'it\'s "x"',
      0.1,
      -3,
      true,
      null,
      date,
      NaN,
      Infinity,
      -Infinity,
      '',
    ];
    const cursor = encodeCursor(values);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = decodeCursor(cursor);
    expect(decoded).toEqual(values);
    expect(decoded[5]).toBeInstanceOf(Date);
    expect(rawPayload(cursor).v).toBe(1);
  });

  it('ties a cursor to its scope when one is given', () => {
    const cursor = encodeCursor(['a'], 'order:name');
    expect(decodeCursor(cursor, 'order:name')).toEqual(['a']);
    expect(errorOf(() => decodeCursor(cursor, 'order:created'))).toMatchObject({
      name: 'InputError',
      field: 'cursor',
      message: expect.stringContaining('belongs to a different sort order'),
    });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON without values', reencode({ v: 1 })],
    ['a number', reencode(42)],
    ['too long', 'a'.repeat(5000)],
  ])('rejects %s', (_, text) => {
    expect(errorOf(() => decodeCursor(text))).toMatchObject({
      name: 'InputError',
      field: 'cursor',
      message: expect.stringContaining(
        'Invalid cursor: expected a cursor returned by a previous page',
      ),
    });
  });

  it('rejects non-strings, tampered values, unknown versions and odd values', () => {
    const good = rawPayload(encodeCursor([5, 'run-01']));
    const cases: unknown[] = [
      undefined,
      42,
      reencode({ ...good, k: [6, 'run-01'] }), // edited value, stale checksum
      reencode({ ...good, c: undefined }),
      reencode({ ...good, v: 2 }),
    ];
    for (const text of cases) {
      expect(errorOf(() => decodeCursor(text))).toMatchObject({
        name: 'InputError',
        field: 'cursor',
      });
    }
    expect(
      errorOf(() => decodeCursor(reencode({ ...good, v: 2 }))).message,
    ).toContain('version is not supported');
  });

  it('refuses to encode values it cannot restore', () => {
    expect(() => encodeCursor([{ a: 1 }])).toThrow(TypeError);
  });
});

describe('pageOf', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }];

  it('has no next cursor when all rows fit', () => {
    expect(pageOf(rows.slice(0, 3), 3, r => [r.id])).toEqual({
      items: rows.slice(0, 3),
    });
  });

  it('drops the probe row and points the cursor at the last item', () => {
    const page = pageOf(rows, 3, r => [r.id], 'scope');
    expect(page.items).toEqual(rows.slice(0, 3));
    expect(decodeCursor(page.nextCursor, 'scope')).toEqual(['c']);
  });
});

type Experiment = { id: string; name: string | null; created_at: Date };

// Generic keyset paging over a table other than runs (experiments lists).
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'keyset paging on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    const experiments: Experiment[] = Array.from({ length: 20 }, (_, n) => ({
      id: `exp-${String(n + 1).padStart(2, '0')}`,
      name: n % 6 === 5 ? null : `name-${n % 4}`,
      // Millisecond precision with ties, so keys round-trip exactly through the cursor.
      created_at: new Date(Date.UTC(2024, 0, 1, 0, 0, n % 7, (n % 3) * 111)),
    }));

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.schema.createTable('experiments', t => {
        t.string('id', 36).primary();
        t.string('name').nullable();
        t.timestamp('created_at', { precision: 3 }).notNullable();
      });
      await knex('experiments').insert(experiments);
    });

    const column = (
      expr: string,
      direction: 'asc' | 'desc',
      nullable = true,
    ): KeysetColumn => ({
      expr: `experiments.${expr}`,
      direction,
      nullable,
    });

    async function walk(
      columns: KeysetColumn[],
      pageSize = 3,
    ): Promise<string[][]> {
      const keyOf = (row: any) => columns.map(c => row[c.expr.split('.')[1]]);
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const qb = knex('experiments').select('*');
        applyKeysetOrder(qb, columns);
        applyKeyset(
          qb,
          columns,
          cursor ? decodeCursor(cursor, 'test') : undefined,
        );
        const page = pageOf(
          await qb.limit(pageSize + 1),
          pageSize,
          keyOf,
          'test',
        );
        pages.push(page.items.map((row: any) => row.id));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 50);
      return pages;
    }

    const time = (e: Experiment) => e.created_at.getTime();

    it.each([
      [
        'name asc',
        [column('name', 'asc'), column('id', 'asc', false)],
        [{ value: (e: Experiment) => e.name, direction: 'asc' as const }],
      ],
      [
        'name desc',
        [column('name', 'desc'), column('id', 'asc', false)],
        [{ value: (e: Experiment) => e.name, direction: 'desc' as const }],
      ],
      [
        'created_at desc',
        [column('created_at', 'desc', false), column('id', 'asc', false)],
        [{ value: time, direction: 'desc' as const }],
      ],
      [
        'created_at asc, name desc',
        [
          column('created_at', 'asc', false),
          column('name', 'desc'),
          column('id', 'asc', false),
        ],
        [
          { value: time, direction: 'asc' as const },
          { value: (e: Experiment) => e.name, direction: 'desc' as const },
        ],
      ],
    ])(
      'visits every row exactly once in order (%s)',
      async (_, columns, reference) => {
        const pages = await walk(columns);
        expect(pages.slice(0, -1).every(page => page.length === 3)).toBe(true);
        expect(pages.flat()).toEqual(
          sortRuns(experiments, reference).map(e => e.id),
        );
      },
    );

    it('handles descending ids and a cursor sitting on a NULL', async () => {
      const byIdDesc = [column('id', 'desc', false)];
      expect((await walk(byIdDesc, 7)).flat()).toEqual(
        experiments.map(e => e.id).reverse(),
      );

      // After the first NULL name (ordered last) only later NULL names remain.
      const columns = [column('name', 'asc'), column('id', 'asc', false)];
      const qb = knex('experiments').select('id');
      applyKeysetOrder(qb, columns);
      applyKeyset(qb, columns, [null, 'exp-06']);
      expect((await qb).map((row: any) => row.id)).toEqual([
        'exp-12',
        'exp-18',
      ]);

      const none = knex('experiments').select('id');
      applyKeyset(none, [column('name', 'asc')], [null]);
      expect(await none).toEqual([]);
    });

    it('rejects keys that do not fit the columns', () => {
      const columns = [column('name', 'asc'), column('id', 'asc', false)];
      const qb = knex('experiments');
      for (const values of [['a'], ['a', null], ['a', { x: 1 }], ['a', NaN]]) {
        expect(errorOf(() => applyKeyset(qb, columns, values))).toMatchObject({
          name: 'InputError',
          field: 'cursor',
        });
      }
    });

    it('takes NaN only for a float column, where it is a value', () => {
      const columns = [
        { ...column('score', 'asc'), float: true },
        column('id', 'asc', false),
      ];
      expect(() =>
        applyKeyset(knex('experiments'), columns, [NaN, 'exp-01']),
      ).not.toThrow();
      expect(
        errorOf(() => applyKeyset(knex('experiments'), columns, ['x', NaN])),
      ).toMatchObject({ name: 'InputError', field: 'cursor' });
    });

    it('binds cursor values as parameters', () => {
      const qb = applyKeyset(
        knex('experiments'),
        [column('name', 'asc'), column('id', 'asc', false)],
        ["x' OR 1=1 --", 'exp-01'],
      );
      const { sql, bindings } = qb.toSQL();
      expect(sql).not.toContain('OR 1=1');
      expect(bindings).toContain("x' OR 1=1 --");
    });
  },
);
