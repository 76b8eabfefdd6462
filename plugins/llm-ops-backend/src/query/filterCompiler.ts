import { Knex } from 'knex';
import { runAttributes } from './identifiers';
import { whereLike } from './sqlDialect';
import { FilterComparison, FilterExpression, RunAttribute } from './types';

export type ApplyRunFilterOptions = {
  /** Alias (or name) of the `runs` table in the query; defaults to `runs`. */
  runsAlias?: string;
};

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
 * tables, so PostgreSQL can use their (key, value, run_id) / (run_id, key) indexes. Every user
 * value is a bound parameter.
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
  // Build (and so validate) every condition now: knex runs group callbacks only at compile time.
  const conditions = ast.comparisons.map((comparison, index) =>
    comparisonCondition(comparison, runs, `flt${index}`),
  );
  return qb.where(group => conditions.forEach(condition => condition(group)));
}

type Condition = (qb: Knex.QueryBuilder) => void;

function comparisonCondition(
  comparison: FilterComparison,
  runs: string,
  alias: string,
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
        .whereRaw('?? = ??', [`${alias}.run_id`, `${runs}.id`])
        .where(`${alias}.key`, comparison.key);
      condition?.(this);
    };

  if (comparison.op === 'IS NULL') return qb => qb.whereNotExists(exists());
  if (comparison.op === 'IS NOT NULL') return qb => qb.whereExists(exists());
  // Including != and NOT IN: MLflow semantics are "the key exists with another value".
  const condition = valueCondition(`${alias}.value`, comparison);
  return qb => qb.whereExists(exists(condition));
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
