export { AssetTable, filtersOf, orderByOf } from './AssetTable';
export type { AssetTableProps } from './AssetTable';
