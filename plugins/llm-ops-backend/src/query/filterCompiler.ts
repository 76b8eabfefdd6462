import { Knex } from 'knex';
import { runAttributes } from './identifiers';
import { dialectOf, whereLike } from './sqlDialect';
import { FilterComparison, FilterExpression, RunAttribute } from './types';

export type ApplyRunFilterOptions = {
  /** Alias (or name) of the `runs` table in the query; defaults to `runs`. */
  runsAlias?: string;
  /**
   * The experiments the query is limited to (the caller's `runs.experiment_id IN (...)`).
   * Repeated on the key/value tables' own experiment_id in every subquery, so their
   * (experiment_id, key, ...) indexes apply. Omitted: no such condition (all experiments).
   */
  experimentIds?: readonly string[];
};

/**
 * How many leading characters of a param or tag value PostgreSQL indexes (run_params /
 * run_tags `(experiment_id, key, left(value, 100), run_id)`; values may be longer than a btree
 * entry holds). Must equal INDEXED_VALUE_PREFIX in migrations/20261126000000_init.js.
 */
export const INDEXED_VALUE_PREFIX = 100;

/** Key/value tables; each holds at most one row per (run_id, key) for the filter's purpose. */
export const keyValueTables = {
  metric: 'run_latest_metrics',
  param: 'run_params',
  tag: 'run_tags',
} as const;

// The operators that may reach SQL text; anything else in a hand-built AST is rejected.
const sqlOperators: Record<string, string> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Adds the filter's comparisons (ANDed, grouped in one parenthesised WHERE) to a query over
 * `runs`. Metrics, params and tags become correlated EXISTS subqueries on the narrow key/value
 * tables, so the database can use their (experiment_id, key, value, run_id) indexes (given
 * `experimentIds`) or their (run_id, key) primary keys. Every user value is a bound parameter.
 */
export function applyRunFilter(
  qb: Knex.QueryBuilder,
  ast: FilterExpression,
  options: ApplyRunFilterOptions = {},
): Knex.QueryBuilder {
  const runs = options.runsAlias ?? 'runs';
  if (!identifierPattern.test(runs))
    throw new Error(`Invalid runs alias '${runs}'`);
  if (ast.comparisons.length === 0) return qb;
  const experimentIds = options.experimentIds && [
    ...new Set(options.experimentIds),
  ];
  // Build (and so validate) every condition now: knex runs group callbacks only at compile time.
  const conditions = ast.comparisons.map((comparison, index) =>
    comparisonCondition(comparison, runs, `flt${index}`, experimentIds),
  );
  return qb.where(group => conditions.forEach(condition => condition(group)));
}

type Condition = (qb: Knex.QueryBuilder) => void;

function comparisonCondition(
  comparison: FilterComparison,
  runs: string,
  alias: string,
  experimentIds: string[] | undefined,
): Condition {
  if (comparison.entity === 'attribute') {
    const spec = runAttributes[comparison.key as RunAttribute];
    if (!spec) throw new Error(`Unknown run attribute '${comparison.key}'`);
    return valueCondition(`${runs}.${spec.column}`, comparison);
  }
  const table = keyValueTables[comparison.entity];
  if (!table) throw new Error(`Unknown entity '${comparison.entity}'`);
  const exists = (condition?: Condition) =>
    function existsSubquery(this: Knex.QueryBuilder) {
      this.select(this.client.raw('1'))
        .from(`${table} as ${alias}`)
        .whereRaw('?? = ??', [`${alias}.run_id`, `${runs}.id`]);
      // The same experiments as the outer query (the row's experiment is its run's), so this
      // changes no result; it lets the subquery start from the experiment's index entries.
      if (experimentIds) this.whereIn(`${alias}.experiment_id`, experimentIds);
      this.where(`${alias}.key`, comparison.key);
      condition?.(this);
    };

  if (comparison.op === 'IS NULL') return qb => qb.whereNotExists(exists());
  if (comparison.op === 'IS NOT NULL') return qb => qb.whereExists(exists());
  // Including != and NOT IN: MLflow semantics are "the key exists with another value".
  const condition = valueCondition(`${alias}.value`, comparison);
  if (
    comparison.entity === 'metric' ||
    (comparison.op !== '=' && comparison.op !== 'IN')
  ) {
    return qb => qb.whereExists(exists(condition));
  }
  return qb =>
    qb.whereExists(
      exists(sub => {
        condition(sub);
        indexedPrefixCondition(sub, `${alias}.value`, comparison);
      }),
    );
}

/**
 * On PostgreSQL, `left(value, 100) = left(?, 100)` (or `IN (left(?, 100), ...)`) next to the
 * exact comparison of a param or tag value: implied by it, and what the prefix index of
 * run_params / run_tags can search. The exact comparison stays for correctness.
 */
function indexedPrefixCondition(
  qb: Knex.QueryBuilder,
  column: string,
  { value }: FilterComparison,
) {
  if (dialectOf(qb) !== 'postgresql') return;
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) return;
  const prefix = `left(?, ${INDEXED_VALUE_PREFIX})`;
  const right =
    values.length === 1
      ? `= ${prefix}`
      : `in (${values.map(() => prefix).join(', ')})`;
  qb.whereRaw(`left(??, ${INDEXED_VALUE_PREFIX}) ${right}`, [
    column,
    ...values,
  ]);
}

function valueCondition(
  column: string,
  { op, value, entity, key }: FilterComparison,
): Condition {
  if (op === 'IN' || op === 'NOT IN') {
    if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
      throw new Error(`${op} on ${entity} ${key} needs a list of strings`);
    }
    return qb =>
      op === 'IN' ? qb.whereIn(column, value) : qb.whereNotIn(column, value);
  }
  if (op === 'LIKE' || op === 'ILIKE') {
    if (typeof value !== 'string')
      throw new Error(`${op} on ${entity} ${key} needs a string`);
    return qb => whereLike(qb, column, value, op === 'LIKE');
  }
  if (!Object.prototype.hasOwnProperty.call(sqlOperators, op)) {
    throw new Error(`Operator ${op} is not supported for ${entity} ${key}`);
  }
  const numeric =
    entity === 'metric' ||
    (entity === 'attribute' &&
      runAttributes[key as RunAttribute]?.kind === 'number');
  const valid = numeric
    ? typeof value === 'number' && !Number.isNaN(value)
    : typeof value === 'string';
  if (!valid)
    throw new Error(
      `${op} on ${entity} ${key} needs a ${numeric ? 'number' : 'string'}`,
    );
  return qb => qb.where(column, sqlOperators[op], value as string | number);
}
