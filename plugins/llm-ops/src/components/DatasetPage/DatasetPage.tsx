import { useCallback, useEffect, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { GridColDef } from '@mui/x-data-grid';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Dataset, DatasetVersion, LineageNode } from '../../api/types';
import { bytes, dateTime, timeAgo } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { AssetHeader } from '../AssetHeader';
import { CursorDataGrid, useCursorPaging } from '../CursorDataGrid';
import { FreshnessBanner } from '../FreshnessBanner';
import { KeyValueTable } from '../KeyValueTable';
import { LineagePanel } from '../LineagePanel';
import { LoadState } from '../LoadState';
import { Section } from '../Section';
import { SyncedAt } from '../SyncedAt';
import { useDatasetUsage } from './useDatasetUsage';

const UsedBy = ({ users }: { users: LineageNode[] }) => {
  const links = useLinks();
  if (users.length === 0) return <>—</>;
  return (
    <Stack direction="row" spacing={1} data-testid="llm-ops-used-by">
      {users.map(user => {
        const href = links.lineageNode(user);
        return (
          <span key={user.id}>
            {href ? <Link to={href}>{user.label}</Link> : user.label}
          </span>
        );
      })}
    </Stack>
  );
};

/** One version in detail: where it is, its schema, its repository, and who used it. */
const VersionDetail = (props: {
  version: DatasetVersion;
  users: LineageNode[];
}) => {
  const { version, users } = props;
  const repo = version.sourceRepository;
  return (
    <Box data-testid="llm-ops-dataset-version">
      <Typography variant="subtitle1" gutterBottom>
        {version.datasetName}@{version.version}
      </Typography>
      <KeyValueTable
        rows={[
          ['uri', version.uri],
          ['size', bytes(version.sizeBytes)],
          ['files', version.fileCount ?? '—'],
          ['format', version.format ?? '—'],
          ['digest', version.digest ?? '—'],
          [
            'repository',
            repo
              ? `${repo.repository}${repo.path ? ` ${repo.path}` : ''}${
                  repo.revision ? ` @ ${repo.revision}` : ''
                }`
              : '—',
          ],
          ['used by', <UsedBy key="users" users={users} />],
        ]}
      />
      <Typography variant="subtitle2" mt={2} gutterBottom>
        Schema
      </Typography>
      <KeyValueTable
        label="Schema"
        rows={Object.entries(version.schema ?? {}).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : JSON.stringify(v),
        ])}
        empty="No schema recorded"
      />
    </Box>
  );
};

/** The versions of a dataset, paged from the server, and the chosen one in detail. */
export const DatasetVersions = (props: {
  dataset: Dataset;
  initial?: string;
}) => {
  const { dataset } = props;
  const api = useApi(llmOpsApiRef);
  const load = useCallback(
    (cursor: string | undefined, pageSize: number) =>
      api.listDatasetVersions(dataset.id, { cursor, pageSize }),
    [api, dataset.id],
  );
  const paging = useCursorPaging<DatasetVersion>(load, dataset.id, 10);
  const usage = useDatasetUsage(dataset.id);
  const [chosen, setChosen] = useState<string | undefined>(props.initial);
  useEffect(() => {
    if (!chosen && paging.rows.length > 0) setChosen(paging.rows[0].version);
  }, [chosen, paging.rows]);
  const detail = paging.rows.find(v => v.version === chosen);

  const columns = useMemo<GridColDef<DatasetVersion>[]>(
    () => [
      { field: 'version', headerName: 'Version', width: 140 },
      {
        field: 'sizeBytes',
        headerName: 'Size',
        width: 110,
        valueGetter: (_v, row) => bytes(row.sizeBytes),
      },
      {
        field: 'fileCount',
        headerName: 'Files',
        width: 80,
        valueGetter: (_v, row) => row.fileCount ?? '—',
      },
      {
        field: 'format',
        headerName: 'Format',
        width: 100,
        valueGetter: (_v, row) => row.format ?? '—',
      },
      {
        field: 'usedBy',
        headerName: 'Used by',
        minWidth: 200,
        flex: 1,
        renderCell: ({ row }) =>
          usage.loading ? (
            '…'
          ) : (
            <UsedBy users={usage.value?.get(row.id) ?? []} />
          ),
      },
      {
        field: 'createdAt',
        headerName: 'Recorded',
        width: 140,
        renderCell: ({ row }) => (
          <Tooltip title={dateTime(row.createdAt)}>
            <span>{timeAgo(row.createdAt)}</span>
          </Tooltip>
        ),
      },
      {
        field: 'source',
        headerName: 'Source',
        width: 230,
        renderCell: ({ row }) => (
          <SyncedAt
            source={row.source}
            syncedAt={row.syncedAt}
            freshness={paging.freshness}
          />
        ),
      },
    ],
    [usage.loading, usage.value, paging.freshness],
  );

  return (
    <>
      <FreshnessBanner freshness={paging.freshness} />
      <CursorDataGrid<DatasetVersion>
        paging={paging}
        what="dataset versions"
        emptyTitle="No versions yet"
        columns={columns}
        disableColumnFilter
        disableColumnSorting
        height={360}
        onRowClick={({ row }) => setChosen(row.version)}
        getRowClassName={({ row }) =>
          row.version === chosen ? 'Mui-selected' : ''
        }
      />
      {detail && (
        <Box mt={2}>
          <VersionDetail
            version={detail}
            users={usage.value?.get(detail.id) ?? []}
          />
        </Box>
      )}
    </>
  );
};

/** /llm-ops/datasets/:name: a dataset's versions, their size and schema, and who used them. */
export const DatasetPage = (props: { idOrName: string; version?: string }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const { value, loading, error } = useAsync(
    () => api.getDataset(props.idOrName),
    [api, props.idOrName],
  );
  return (
    <Box p={3}>
      <LoadState loading={loading} error={error} what="the dataset">
        {value && (
          <>
            <AssetHeader
              kind="Dataset"
              name={value.name}
              description={value.description}
              owner={value.owner}
              tags={value.tags}
              source={value.source}
              syncedAt={value.syncedAt}
              lineageHref={links.lineage('dataset', value.id)}
            />
            <Section title="Versions" testId="llm-ops-dataset-versions">
              <DatasetVersions dataset={value} initial={props.version} />
            </Section>
            <Section title="Lineage">
              <LineagePanel type="dataset" id={value.id} depth={3} />
            </Section>
          </>
        )}
      </LoadState>
    </Box>
  );
};
