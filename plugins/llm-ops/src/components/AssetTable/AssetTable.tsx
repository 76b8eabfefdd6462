import { useCallback, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import {
  getGridStringOperators,
  type GridColDef,
  type GridFilterModel,
  type GridSortModel,
} from '@mui/x-data-grid';
import { Link } from '@backstage/core-components';
import type { AssetBase, ListQuery, Page } from '../../api/types';
import { dateTime, timeAgo } from '../../lib/format';
import { CursorDataGrid, useCursorPaging } from '../CursorDataGrid';
import { FreshnessBanner } from '../FreshnessBanner';
import { SyncedAt } from '../SyncedAt';

const sortable = new Set(['name', 'createdAt', 'updatedAt']);

/** Maps the grid's sort model onto the API's orderBy (`name`, `-updatedAt`, ...). */
export function orderByOf(
  model: GridSortModel,
  fallback: NonNullable<ListQuery['orderBy']>,
): NonNullable<ListQuery['orderBy']> {
  const [first] = model;
  if (!first || !sortable.has(first.field) || !first.sort) return fallback;
  return `${first.sort === 'desc' ? '-' : ''}${first.field}` as NonNullable<
    ListQuery['orderBy']
  >;
}

/** Maps the grid's filter model onto the API's filters: name → q, owner, tags → tag. */
export function filtersOf(
  model: GridFilterModel,
): Pick<ListQuery, 'q' | 'owner' | 'tag'> {
  const value = (field: string) => {
    const item = model.items.find(i => i.field === field);
    return typeof item?.value === 'string' && item.value.trim()
      ? item.value.trim()
      : undefined;
  };
  const quick = (model.quickFilterValues ?? []).join(' ').trim();
  return {
    q: value('name') ?? (quick || undefined),
    owner: value('owner'),
    tag: value('tags'),
  };
}

const containsOnly = getGridStringOperators().filter(
  op => op.value === 'contains',
);
const equalsOnly = getGridStringOperators().filter(op => op.value === 'equals');

export type AssetTableProps<T extends AssetBase> = {
  /** One page of the list from the API. */
  list: (query: ListQuery) => Promise<Page<T>>;
  /** "experiments", "models", ... for headings and states. */
  what: string;
  /** The page of one row, if the app mounts it. */
  linkTo: (row: T) => string | undefined;
  /** Columns between the name and the common ones (owner, tags, dates, source). */
  columns?: GridColDef<T>[];
  defaultOrderBy?: NonNullable<ListQuery['orderBy']>;
  emptyDescription?: string | JSX.Element;
};

/**
 * The table of an asset list (experiments, models, endpoints, datasets, pipelines): server-side
 * paging by cursor, sorting by name and dates, filtering by name, owner and tag, with the
 * list's freshness above it.
 */
export function AssetTable<T extends AssetBase>(props: AssetTableProps<T>) {
  const { list, what, linkTo, columns = [], emptyDescription } = props;
  const defaultOrderBy = props.defaultOrderBy ?? '-updatedAt';
  const [sortModel, setSortModel] = useState<GridSortModel>([]);
  const [filterModel, setFilterModel] = useState<GridFilterModel>({
    items: [],
  });

  const orderBy = orderByOf(sortModel, defaultOrderBy);
  const filters = filtersOf(filterModel);
  const resetKey = JSON.stringify({ orderBy, filters });
  const load = useCallback(
    (cursor: string | undefined, pageSize: number) =>
      list({ cursor, pageSize, orderBy, ...filters }),
    // resetKey covers orderBy and filters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [list, resetKey],
  );
  const paging = useCursorPaging<T>(load, resetKey);

  const allColumns = useMemo<GridColDef<T>[]>(
    () => [
      {
        field: 'name',
        headerName: 'Name',
        flex: 1,
        minWidth: 200,
        filterOperators: containsOnly,
        renderCell: ({ row }) => {
          const href = linkTo(row);
          return href ? <Link to={href}>{row.name}</Link> : row.name;
        },
      },
      ...columns.map(c => ({ sortable: false, filterable: false, ...c })),
      {
        field: 'owner',
        headerName: 'Owner',
        width: 180,
        filterOperators: equalsOnly,
        sortable: false,
        valueGetter: (_v, row) => row.owner ?? '',
      },
      {
        field: 'tags',
        headerName: 'Tags',
        width: 220,
        sortable: false,
        filterOperators: containsOnly,
        description: 'Filter with key or key=value',
        valueGetter: (_v, row) =>
          Object.entries(row.tags)
            .map(([k, v]) => (v ? `${k}=${v}` : k))
            .join(', '),
        renderCell: ({ row }) => (
          <Stack direction="row" spacing={0.5} sx={{ overflow: 'hidden' }}>
            {Object.entries(row.tags)
              .slice(0, 3)
              .map(([k, v]) => (
                <Chip key={k} size="small" label={v ? `${k}=${v}` : k} />
              ))}
          </Stack>
        ),
      },
      {
        field: 'updatedAt',
        headerName: 'Updated',
        width: 150,
        filterable: false,
        renderCell: ({ row }) => (
          <Tooltip title={dateTime(row.updatedAt)}>
            <span>{timeAgo(row.updatedAt)}</span>
          </Tooltip>
        ),
      },
      {
        field: 'createdAt',
        headerName: 'Created',
        width: 150,
        filterable: false,
        renderCell: ({ row }) => (
          <Tooltip title={dateTime(row.createdAt)}>
            <span>{timeAgo(row.createdAt)}</span>
          </Tooltip>
        ),
      },
      {
        field: 'source',
        headerName: 'Source',
        width: 240,
        sortable: false,
        filterable: false,
        renderCell: ({ row }) => (
          <SyncedAt
            source={row.source}
            syncedAt={row.syncedAt}
            freshness={paging.freshness}
          />
        ),
      },
    ],
    [columns, linkTo, paging.freshness],
  );

  const filtered = !!(filters.q || filters.owner || filters.tag);
  return (
    <Box>
      <FreshnessBanner freshness={paging.freshness} />
      <CursorDataGrid<T>
        paging={paging}
        what={what}
        filtered={filtered}
        emptyDescription={emptyDescription}
        columns={allColumns}
        sortingMode="server"
        sortModel={sortModel}
        onSortModelChange={setSortModel}
        filterMode="server"
        filterModel={filterModel}
        onFilterModelChange={setFilterModel}
        showToolbar
        slotProps={{
          toolbar: {
            showQuickFilter: true,
            quickFilterProps: { debounceMs: 400 },
          },
        }}
      />
    </Box>
  );
}
