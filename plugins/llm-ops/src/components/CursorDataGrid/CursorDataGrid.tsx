import { useMemo, useRef } from 'react';
import Box from '@mui/material/Box';
import {
  DataGrid,
  type DataGridProps,
  type GridPaginationMeta,
  type GridValidRowModel,
} from '@mui/x-data-grid';
import { LoadState } from '../LoadState';
import type { CursorPaging } from './useCursorPaging';

export type CursorDataGridProps<T extends GridValidRowModel> = Omit<
  DataGridProps<T>,
  | 'rows'
  | 'rowCount'
  | 'loading'
  | 'paginationMode'
  | 'paginationModel'
  | 'onPaginationModelChange'
  | 'paginationMeta'
> & {
  paging: CursorPaging<T>;
  /** What the rows are, for the error and empty states ("experiments"). */
  what: string;
  /** Shown instead of an empty grid when the first page is empty and nothing is filtered. */
  emptyTitle?: string;
  emptyDescription?: string | JSX.Element;
  /** Whether a filter or search is active (then an empty page is a normal grid). */
  filtered?: boolean;
  /** The most the grid grows to; with fewer rows it is just as tall as they need. */
  height?: number;
};

const ROW = 36; // compact density
const CHROME = 40 + 56; // column headers and footer
const TOOLBAR = 52;

/**
 * A server-paged `@mui/x-data-grid` over a cursor-paged list: the grid never holds more than a
 * page, so it stays fast whatever the size of the list, and the row count stays unknown (the API
 * has no count) until the last page is reached.
 */
export function CursorDataGrid<T extends GridValidRowModel>(
  props: CursorDataGridProps<T>,
) {
  const {
    paging,
    what,
    emptyTitle,
    emptyDescription,
    filtered,
    height = 560,
    ...gridProps
  } = props;
  const { paginationModel, hasNextPage, rows, loading, error } = paging;

  // The grid wants a stable meta object that changes only with hasNextPage.
  const metaRef = useRef<GridPaginationMeta>({ hasNextPage });
  const paginationMeta = useMemo(() => {
    if (metaRef.current.hasNextPage !== hasNextPage) {
      metaRef.current = { hasNextPage };
    }
    return metaRef.current;
  }, [hasNextPage]);

  // Unknown (-1) while there are more pages; exact once the last page is in.
  const rowCount =
    hasNextPage || loading
      ? -1
      : paginationModel.page * paginationModel.pageSize + rows.length;

  const firstPageEmpty =
    !loading &&
    !error &&
    !filtered &&
    paginationModel.page === 0 &&
    rows.length === 0;

  if (firstPageEmpty) {
    return (
      <LoadState
        loading={false}
        what={what}
        empty
        emptyTitle={emptyTitle ?? `No ${what} yet`}
        emptyDescription={emptyDescription}
      />
    );
  }

  const fitted = Math.min(
    height,
    CHROME +
      (gridProps.showToolbar ? TOOLBAR : 0) +
      Math.max(rows.length, 4) * ROW +
      // room for a horizontal scroll bar
      16,
  );

  // An error keeps the grid (and its filters) on screen, so a bad filter can be corrected.
  return (
    <>
      {error && (
        <Box mb={2}>
          <LoadState loading={false} error={error} what={what} />
        </Box>
      )}
      <Box
        sx={{ height: fitted, width: '100%' }}
        data-testid={`llm-ops-grid-${what}`}
      >
        <DataGrid<T>
          rows={rows}
          loading={loading}
          paginationMode="server"
          rowCount={rowCount}
          paginationMeta={paginationMeta}
          paginationModel={paginationModel}
          onPaginationModelChange={paging.setPaginationModel}
          pageSizeOptions={[10, 25, 50, 100]}
          disableRowSelectionOnClick
          density="compact"
          {...gridProps}
        />
      </Box>
    </>
  );
}
