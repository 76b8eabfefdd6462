import { Knex } from 'knex';
import { applyKeysetOrder, KeysetColumn } from './cursor';
import { queryInputError } from './errors';
import { keyValueTables } from './filterCompiler';
import { parseIdentifier, runAttributes } from './identifiers';
import { tokenize, TokenStream } from './tokenizer';
import { OrderTerm, RunAttribute } from './types';

export const MAX_ORDER_TERMS = 10;
const MAX_ORDER_ITEM_LENGTH = 500;

/** Used when a search gives no order; `runs.id` is appended as the tie-breaker. */
export const DEFAULT_RUN_ORDER: OrderTerm[] = [
  { entity: 'attribute', key: 'start_time', direction: 'desc' },
];

/**
 * Parses MLflow-style order_by entries such as `metrics.accuracy DESC`, `params.lr`,
 * `attributes.start_time ASC` or `run_name`; the direction defaults to ASC. Each entry may also
 * hold several comma-separated terms. Blank input gives [] (the default order applies).
 */
export function parseRunOrderBy(
  text: string | string[] | undefined,
): OrderTerm[] {
  const items = Array.isArray(text) ? text : [text ?? ''];
  const terms: OrderTerm[] = [];
  items.forEach((item, index) => {
    const label = items.length > 1 ? `order_by[${index}]` : 'order_by';
    if (typeof item !== 'string') {
      throw queryInputError('order_by', `Invalid ${label}: expected a string`);
    }
    if (item.length > MAX_ORDER_ITEM_LENGTH) {
      throw queryInputError(
        'order_by',
        `Invalid ${label}: expected at most ${MAX_ORDER_ITEM_LENGTH} characters but found ${item.length}`,
      );
    }
    if (item.trim() === '') return;
    const stream = new TokenStream(
      tokenize(item, 'order_by', label),
      'order_by',
      label,
    );
    for (;;) {
      const { entity, key } = parseIdentifier(stream);
      const descending = stream.acceptKeyword('DESC');
      const explicit = descending || stream.acceptKeyword('ASC');
      terms.push({ entity, key, direction: descending ? 'desc' : 'asc' });
      const next = stream.next();
      if (next.kind === 'end') break;
      if (next.kind !== 'comma') {
        throw stream.fail(
          `${explicit ? '' : 'ASC, DESC, '}',' or end of ${label}`,
          next,
        );
      }
    }
  });
  if (terms.length > MAX_ORDER_TERMS) {
    throw queryInputError(
      'order_by',
      `Invalid order_by: expected at most ${MAX_ORDER_TERMS} terms but found ${terms.length}`,
    );
  }
  return terms;
}

export type RunOrderJoin = { table: string; alias: string; key: string };

/** One sort column of a run search; `numeric` values may come back from pg as strings. */
export type RunOrderColumn = KeysetColumn & { numeric: boolean };

/** The joins and sort columns for a run order; aliases are stable (ord0, ord1, ...). */
export type RunOrderPlan = { joins: RunOrderJoin[]; columns: RunOrderColumn[] };

export type RunOrderOptions = {
  runsAlias?: string;
  /**
   * The experiments the query is limited to (see ApplyRunFilterOptions.experimentIds): each
   * join also matches its table's experiment_id against them. Omitted: no such condition.
   */
  experimentIds?: readonly string[];
};

/**
 * Resolves order terms to sort columns. Metric/param/tag terms read `value` from a LEFT JOIN of
 * their key/value table for that key (one join per term), so runs without the key sort last.
 * `runs.id` is always the final tie-breaker so the order is total and keyset paging is exact.
 */
export function planRunOrder(
  terms: OrderTerm[],
  options: RunOrderOptions = {},
): RunOrderPlan {
  const runs = options.runsAlias ?? 'runs';
  const effective = terms.length > 0 ? terms : DEFAULT_RUN_ORDER;
  const joins: RunOrderJoin[] = [];
  const columns: RunOrderColumn[] = [];
  effective.forEach((term, index) => {
    const direction = term.direction === 'desc' ? 'desc' : 'asc';
    if (term.entity === 'attribute') {
      const spec = runAttributes[term.key as RunAttribute];
      if (!spec) throw new Error(`Unknown run attribute '${term.key}'`);
      const nullable = spec.column !== 'id';
      columns.push({
        expr: `${runs}.${spec.column}`,
        direction,
        nullable,
        numeric: spec.kind === 'number',
      });
    } else {
      const alias = `ord${index}`;
      joins.push({ table: keyValueTables[term.entity], alias, key: term.key });
      columns.push({
        expr: `${alias}.value`,
        direction,
        nullable: true,
        numeric: term.entity === 'metric',
        float: term.entity === 'metric',
      });
    }
  });
  if (!columns.some(column => column.expr === `${runs}.id`)) {
    columns.push({
      expr: `${runs}.id`,
      direction: 'asc',
      nullable: false,
      numeric: false,
    });
  }
  return { joins, columns };
}

/** Adds the joins and ORDER BY (NULLs last in both directions) for the given terms. */
export function applyRunOrder(
  qb: Knex.QueryBuilder,
  terms: OrderTerm[],
  options: RunOrderOptions = {},
): Knex.QueryBuilder {
  const runs = options.runsAlias ?? 'runs';
  const plan = planRunOrder(terms, options);
  const experimentIds = options.experimentIds && [
    ...new Set(options.experimentIds),
  ];
  for (const { table, alias, key } of plan.joins) {
    qb.leftJoin(`${table} as ${alias}`, join => {
      join.on(`${alias}.run_id`, '=', `${runs}.id`);
      // Changes no result (a row's experiment is its run's); see applyRunFilter.
      if (experimentIds && experimentIds.length > 0)
        join.andOnIn(`${alias}.experiment_id`, experimentIds);
      join.andOnVal(`${alias}.key`, '=', key);
    });
  }
  return applyKeysetOrder(qb, plan.columns);
}
