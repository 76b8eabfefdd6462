import { Knex } from 'knex';
import { applyKeyset, applyKeysetOrder, decodeCursor, pageOf } from './cursor';
import { queryInputError } from './errors';
import { applyRunFilter } from './filterCompiler';
import { parseRunFilter } from './filterParser';
import {
  applyRunOrder,
  parseRunOrderBy,
  planRunOrder,
  RunOrderColumn,
} from './orderBy';

export const DEFAULT_MAX_RESULTS = 100;
export const MAX_MAX_RESULTS = 1000;

export type SearchRunsOptions = {
  /**
   * The experiments to search (the API always names 1 to 100). Omitted: every experiment, a
   * slower search on a large store (the key/value indexes lead with experiment_id).
   */
  experimentIds?: string[];
  /** Filter text, see parseRunFilter. */
  filter?: string;
  /** order_by entries, see parseRunOrderBy; default `start_time DESC`, then id. */
  orderBy?: string | string[];
  maxResults?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
  /** Soft-deleted runs (deleted_at set) are left out unless this is true. */
  includeDeleted?: boolean;
};

export type RunRow = {
  id: string;
  experiment_id: string;
  name: string | null;
  status: string;
  start_time: number | null;
  end_time: number | null;
  created_at: unknown;
  updated_at: unknown;
  deleted_at: unknown;
};

export type RunSearchPage = { runs: RunRow[]; nextCursor?: string };

/**
 * More columns for each run of the page, computed after the page is chosen: select expressions
 * over the page's rows, which the query names `pageAlias` (e.g. correlated subqueries on
 * `${pageAlias}.id`). They come back on each row under their own aliases.
 */
export type PageColumns = (pageAlias: string) => Array<Knex.Raw | string>;

const PAGE_ALIAS = 'page';

const sortAlias = (index: number) => `sort_key_${index}`;

// pg returns bigint columns as strings; numbers keep cursors and API values uniform.
function toNumber(value: unknown): unknown {
  return typeof value === 'string' && value !== '' ? Number(value) : value;
}

/**
 * One page of a run search: filter + order + keyset cursor in a single query. The sort key of
 * each row is selected under stable aliases (sort_key_N), so the last row's key becomes the
 * cursor and applyKeyset continues strictly after it on the next page.
 */
export async function searchRuns(
  db: Knex,
  options: SearchRunsOptions = {},
  pageColumns?: PageColumns,
): Promise<RunSearchPage> {
  const limit = options.maxResults ?? DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MAX_RESULTS) {
    throw queryInputError(
      'max_results',
      `Invalid max_results: expected an integer from 1 to ${MAX_MAX_RESULTS} but found ${limit}`,
    );
  }
  const filter = parseRunFilter(options.filter ?? '');
  const terms = parseRunOrderBy(options.orderBy);
  const plan = planRunOrder(terms);
  // The cursor is only valid for the same sort columns (including the metric/param keys).
  const scope = JSON.stringify([
    plan.joins.map(j => [j.table, j.key]),
    plan.columns,
  ]);
  const after =
    options.cursor === undefined
      ? undefined
      : decodeCursor(options.cursor, scope);

  const qb = db('runs').select('runs.*');
  plan.columns.forEach((column, i) =>
    qb.select(`${column.expr} as ${sortAlias(i)}`),
  );
  const experimentIds = options.experimentIds && [
    ...new Set(options.experimentIds),
  ];
  if (experimentIds) qb.whereIn('runs.experiment_id', experimentIds);
  if (!options.includeDeleted) qb.whereNull('runs.deleted_at');
  applyRunFilter(qb, filter, { experimentIds });
  applyRunOrder(qb, terms, { experimentIds });
  applyKeyset(qb, plan.columns, after);
  qb.limit(limit + 1);
  const rows: Record<string, unknown>[] = await (pageColumns
    ? withPageColumns(db, qb, plan.columns, pageColumns)
    : qb);

  const keyOf = (row: Record<string, unknown>) =>
    plan.columns.map((column: RunOrderColumn, i) =>
      column.numeric ? toNumber(row[sortAlias(i)]) : row[sortAlias(i)],
    );
  const page = pageOf(rows, limit, keyOf, scope);
  return {
    runs: page.items.map(row => toRunRow(row, plan.columns.length)),
    nextCursor: page.nextCursor,
  };
}

/**
 * The page query wrapped in an outer one that adds pageColumns: the same rows in the same order
 * (the outer ORDER BY repeats the inner one on the selected sort keys), one statement. The
 * extra columns are computed for the page's rows only: the inner LIMIT keeps the subquery from
 * being flattened, and SQLite (unlike PostgreSQL) would otherwise compute select-list subqueries
 * for every matching row before sorting.
 */
function withPageColumns(
  db: Knex,
  page: Knex.QueryBuilder,
  columns: RunOrderColumn[],
  pageColumns: PageColumns,
): Knex.QueryBuilder {
  const outer = db
    .select(`${PAGE_ALIAS}.*`, ...pageColumns(PAGE_ALIAS))
    .from(page.as(PAGE_ALIAS));
  return applyKeysetOrder(
    outer,
    columns.map((column, i) => ({
      ...column,
      expr: `${PAGE_ALIAS}.${sortAlias(i)}`,
    })),
  );
}

function toRunRow(row: Record<string, unknown>, sortColumns: number): RunRow {
  const run = { ...row };
  for (let i = 0; i < sortColumns; i++) delete run[sortAlias(i)];
  run.start_time = toNumber(run.start_time ?? null);
  run.end_time = toNumber(run.end_time ?? null);
  // created_at & co. may be bigint ms columns (pg returns digit strings) or real timestamps.
  for (const column of ['created_at', 'updated_at', 'deleted_at']) {
    const value = run[column];
    if (typeof value === 'string' && /^\d+$/.test(value))
      run[column] = Number(value);
  }
  return run as RunRow;
}
