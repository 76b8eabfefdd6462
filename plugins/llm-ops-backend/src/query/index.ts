/** Run search: filter language, ordering, keyset cursors and metric-history downsampling. */
export type {
  ComparisonOperator,
  FilterComparison,
  FilterExpression,
  OrderTerm,
  RunAttribute,
  RunEntity,
  SortDirection,
} from './types';
export type { QueryField } from './errors';
export { queryInputError } from './errors';
export {
  parseRunFilter,
  MAX_FILTER_COMPARISONS,
  MAX_FILTER_LENGTH,
  RUN_STATUSES,
} from './filterParser';
export { applyRunFilter, keyValueTables } from './filterCompiler';
export type { ApplyRunFilterOptions } from './filterCompiler';
export {
  applyRunOrder,
  DEFAULT_RUN_ORDER,
  MAX_ORDER_TERMS,
  parseRunOrderBy,
  planRunOrder,
} from './orderBy';
export type {
  RunOrderColumn,
  RunOrderJoin,
  RunOrderOptions,
  RunOrderPlan,
} from './orderBy';
export {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  encodeCursor,
  pageOf,
} from './cursor';
export type { KeysetColumn } from './cursor';
export { DEFAULT_MAX_RESULTS, MAX_MAX_RESULTS, searchRuns } from './runSearch';
export type {
  PageColumns,
  RunRow,
  RunSearchPage,
  SearchRunsOptions,
} from './runSearch';
export { downsampleSeries } from './downsample';
export type { SeriesPoint } from './downsample';
