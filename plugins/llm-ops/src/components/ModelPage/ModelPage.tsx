import { useCallback, useMemo } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { GridColDef } from '@mui/x-data-grid';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Model, ModelVersion } from '../../api/types';
import { bytes, dateTime, timeAgo } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { AssetHeader } from '../AssetHeader';
import { CursorDataGrid, useCursorPaging } from '../CursorDataGrid';
import { FreshnessBanner } from '../FreshnessBanner';
import { LineagePanel } from '../LineagePanel';
import { LoadState } from '../LoadState';
import { RunStatusChip } from '../RunStatusChip';
import { Section } from '../Section';
import { SyncedAt } from '../SyncedAt';
import { useModelServing } from './useModelServing';

/** The versions of a model, with their source run and where each is served. */
export const ModelVersions = (props: { model: Model; highlight?: string }) => {
  const { model, highlight } = props;
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const load = useCallback(
    (cursor: string | undefined, pageSize: number) =>
      api.listModelVersions(model.id, { cursor, pageSize }),
    [api, model.id],
  );
  const paging = useCursorPaging<ModelVersion>(load, model.id);
  const serving = useModelServing(model.id);

  const columns = useMemo<GridColDef<ModelVersion>[]>(
    () => [
      {
        field: 'version',
        headerName: 'Version',
        width: 100,
        renderCell: ({ row }) => (
          <Typography
            variant="body2"
            fontWeight={row.version === highlight ? 'bold' : undefined}
          >
            v{row.version}
          </Typography>
        ),
      },
      {
        field: 'status',
        headerName: 'Status',
        width: 180,
        renderCell: ({ row }) => <RunStatusChip status={row.status} />,
      },
      {
        field: 'aliases',
        headerName: 'Aliases',
        width: 160,
        renderCell: ({ row }) => (
          <Stack direction="row" spacing={0.5}>
            {row.aliases.map(a => (
              <Chip key={a} size="small" color="primary" label={a} />
            ))}
          </Stack>
        ),
      },
      {
        field: 'servedBy',
        headerName: 'Served by',
        minWidth: 220,
        flex: 1,
        renderCell: ({ row }) => {
          if (serving.loading) return '…';
          const entries = serving.value?.get(row.id) ?? [];
          if (entries.length === 0) return '—';
          return (
            <Stack
              direction="row"
              spacing={0.5}
              data-testid="llm-ops-served-by"
            >
              {entries.map(({ endpoint, entry }) => {
                const href = links.endpoint(endpoint.name);
                const label = `${endpoint.name} ${entry.percent}% ${entry.role}`;
                return (
                  <Chip
                    key={endpoint.id}
                    size="small"
                    variant="outlined"
                    color={entry.role === 'canary' ? 'warning' : 'success'}
                    label={href ? <Link to={href}>{label}</Link> : label}
                  />
                );
              })}
            </Stack>
          );
        },
      },
      {
        field: 'sourceRunId',
        headerName: 'Source run',
        width: 160,
        renderCell: ({ row }) => {
          if (!row.sourceRunId) return '—';
          const href = links.run(row.sourceRunId);
          const label = row.sourceRunId.slice(0, 8);
          return href ? <Link to={href}>{label}</Link> : label;
        },
      },
      {
        field: 'artifactUri',
        headerName: 'Artifact',
        minWidth: 200,
        flex: 1,
      },
      {
        field: 'files',
        headerName: 'Files',
        width: 130,
        sortable: false,
        renderCell: ({ row }) =>
          row.files ? (
            <Tooltip
              title={row.files
                .slice(0, 20)
                .map(f => `${f.path} (${bytes(f.sizeBytes)})`)
                .join(', ')}
            >
              <span>
                {row.files.length} ·{' '}
                {bytes(row.files.reduce((sum, f) => sum + f.sizeBytes, 0))}
              </span>
            </Tooltip>
          ) : (
            '—'
          ),
      },
      {
        field: 'createdAt',
        headerName: 'Registered',
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
    // links are stable for a mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [highlight, serving.loading, serving.value, paging.freshness],
  );

  return (
    <>
      <FreshnessBanner freshness={paging.freshness} />
      <CursorDataGrid<ModelVersion>
        paging={paging}
        what="model versions"
        emptyTitle="No versions yet"
        emptyDescription="Register a version (from a run's artifact) to serve it."
        columns={columns}
        disableColumnFilter
        disableColumnSorting
        height={400}
        getRowClassName={({ row }) =>
          row.version === highlight ? 'Mui-selected' : ''
        }
      />
    </>
  );
};

/** /llm-ops/models/:name: a model, its aliases, versions and lineage. */
export const ModelPage = (props: { idOrName: string; version?: string }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const { value, loading, error } = useAsync(
    () => api.getModel(props.idOrName),
    [api, props.idOrName],
  );
  return (
    <Box p={3}>
      <LoadState loading={loading} error={error} what="the model">
        {value && (
          <>
            <AssetHeader
              kind="Model"
              name={value.name}
              description={value.description}
              owner={value.owner}
              tags={value.tags}
              source={value.source}
              syncedAt={value.syncedAt}
              lineageHref={links.lineage('model', value.id)}
              actions={Object.entries(value.aliases).map(([alias, v]) => (
                <Chip
                  key={alias}
                  color="primary"
                  size="small"
                  label={`${alias} → v${v}`}
                />
              ))}
            />
            <Section title="Versions" testId="llm-ops-model-versions">
              <ModelVersions model={value} highlight={props.version} />
            </Section>
            <Section title="Lineage">
              <LineagePanel type="model" id={value.id} depth={3} />
            </Section>
          </>
        )}
      </LoadState>
    </Box>
  );
};
