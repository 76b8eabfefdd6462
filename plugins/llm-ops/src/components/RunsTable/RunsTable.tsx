import { useMemo } from 'react';
import Tooltip from '@mui/material/Tooltip';
import type {
  GridColDef,
  GridRowSelectionModel,
  GridSortModel,
} from '@mui/x-data-grid';
import { Link } from '@backstage/core-components';
import type { Run } from '../../api/types';
import { dateTime, duration, metricValue, timeAgo } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { CursorDataGrid, type CursorPaging } from '../CursorDataGrid';
import { RunStatusChip } from '../RunStatusChip';

/** MLflow order_by of a grid column: attributes by name, params and metrics by key. */
export function runOrderBy(model: GridSortModel): string[] | undefined {
  const [first] = model;
  if (!first?.sort) return undefined;
  const direction = first.sort === 'desc' ? 'DESC' : 'ASC';
  const attribute: Record<string, string> = {
    name: 'attributes.run_name',
    status: 'attributes.status',
    startTime: 'attributes.start_time',
  };
  if (attribute[first.field]) return [`${attribute[first.field]} ${direction}`];
  const dot = first.field.indexOf('.');
  const kind = first.field.slice(0, dot);
  const key = first.field.slice(dot + 1);
  if (kind !== 'metrics' && kind !== 'params') return undefined;
  const quoted = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key}\``;
  return [`${kind}.${quoted} ${direction}`];
}

export type RunsTableProps = {
  paging: CursorPaging<Run>;
  /** `params.<key>` and `metrics.<key>` columns the user picked. */
  columns: string[];
  sortModel: GridSortModel;
  onSortModelChange: (model: GridSortModel) => void;
  selection: string[];
  onSelectionChange: (ids: string[]) => void;
  filtered: boolean;
};

/** The runs of an experiment (or a search over them), a page at a time, selectable to compare. */
export const RunsTable = (props: RunsTableProps) => {
  const { paging, columns, selection, onSelectionChange } = props;
  const links = useLinks();

  const gridColumns = useMemo<GridColDef<Run>[]>(
    () => [
      {
        field: 'name',
        headerName: 'Run',
        minWidth: 180,
        flex: 1,
        renderCell: ({ row }) => {
          const href = links.run(row.id);
          return href ? <Link to={href}>{row.name}</Link> : row.name;
        },
      },
      {
        field: 'status',
        headerName: 'Status',
        width: 130,
        renderCell: ({ row }) => <RunStatusChip status={row.status} />,
      },
      {
        field: 'startTime',
        headerName: 'Started',
        width: 140,
        renderCell: ({ row }) => (
          <Tooltip title={dateTime(row.startTime)}>
            <span>{timeAgo(row.startTime)}</span>
          </Tooltip>
        ),
      },
      {
        field: 'duration',
        headerName: 'Duration',
        width: 110,
        sortable: false,
        valueGetter: (_v, row) => duration(row.startTime, row.endTime),
      },
      ...columns.map<GridColDef<Run>>(column => {
        const dot = column.indexOf('.');
        const kind = column.slice(0, dot);
        const key = column.slice(dot + 1);
        return {
          field: column,
          headerName: column,
          width: 150,
          type: kind === 'metrics' ? 'number' : 'string',
          valueGetter: (_v, row) =>
            kind === 'metrics' ? row.metrics[key]?.value : row.params[key],
          valueFormatter: (value: unknown) =>
            kind === 'metrics'
              ? metricValue(value as number | undefined)
              : (value as string | undefined) ?? '—',
        };
      }),
    ],
    // links.run is stable for a given mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columns],
  );

  const selectionModel = useMemo<GridRowSelectionModel>(
    () => ({ type: 'include', ids: new Set(selection) }),
    [selection],
  );

  return (
    <CursorDataGrid<Run>
      paging={paging}
      what="runs"
      filtered={props.filtered}
      emptyTitle="No runs yet"
      emptyDescription="Runs appear here once they are logged to this experiment."
      columns={gridColumns}
      sortingMode="server"
      sortModel={props.sortModel}
      onSortModelChange={props.onSortModelChange}
      disableColumnFilter
      checkboxSelection
      keepNonExistentRowsSelected
      rowSelectionModel={selectionModel}
      onRowSelectionModelChange={model => {
        if (model.type === 'include') {
          onSelectionChange([...model.ids].map(String));
        } else {
          // "Select all" on a page: every row of the page but the excluded ones.
          onSelectionChange(
            paging.rows.map(r => r.id).filter(id => !model.ids.has(id)),
          );
        }
      }}
      height={480}
    />
  );
};
