/** What a filter or order term refers to: a run's metric, param, tag or one of its columns. */
export type RunEntity = 'metric' | 'param' | 'tag' | 'attribute';

/** Canonical attribute names; the parser resolves aliases (name, id, created) to these. */
export type RunAttribute =
  | 'status'
  | 'run_name'
  | 'run_id'
  | 'start_time'
  | 'end_time';

export type ComparisonOperator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'LIKE'
  | 'ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL';

/**
 * One `entity.key op value` comparison. The value is a number for numeric comparisons, a
 * string for string comparisons, a non-empty string list for IN / NOT IN and null for
 * IS [NOT] NULL.
 */
export type FilterComparison = {
  entity: RunEntity;
  key: string;
  op: ComparisonOperator;
  value: number | string | string[] | null;
};

/** A parsed filter: comparisons joined by AND. No comparisons means "match every run". */
export type FilterExpression = {
  type: 'and';
  comparisons: FilterComparison[];
};

export type SortDirection = 'asc' | 'desc';

/** One ORDER BY term of a run search. NULLs always sort last, whatever the direction. */
export type OrderTerm = {
  entity: RunEntity;
  key: string;
  direction: SortDirection;
};
