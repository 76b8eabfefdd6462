export { CursorDataGrid } from './CursorDataGrid';
export type { CursorDataGridProps } from './CursorDataGrid';
export { useCursorPaging } from './useCursorPaging';
export type { CursorPaging, PaginationModel } from './useCursorPaging';
