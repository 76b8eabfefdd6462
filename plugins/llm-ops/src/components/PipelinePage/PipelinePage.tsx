import { useCallback, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import type { GridColDef } from '@mui/x-data-grid';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Pipeline, PipelineRun, PipelineRunPhase } from '../../api/types';
import { dateTime, duration, timeAgo } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { AssetHeader } from '../AssetHeader';
import { CursorDataGrid, useCursorPaging } from '../CursorDataGrid';
import { FreshnessBanner } from '../FreshnessBanner';
import { KeyValueTable } from '../KeyValueTable';
import { LineagePanel } from '../LineagePanel';
import { LoadState } from '../LoadState';
import { NodePhases } from '../NodePhases';
import { RunStatusChip } from '../RunStatusChip';
import { Section } from '../Section';

const phases: PipelineRunPhase[] = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Error',
];

/** The runs of a pipeline with their phase and step status, newest first, paged. */
export const PipelineRuns = ({ pipeline }: { pipeline: Pipeline }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const [phase, setPhase] = useState<PipelineRunPhase | ''>('');
  const load = useCallback(
    (cursor: string | undefined, pageSize: number) =>
      api.listPipelineRuns(pipeline.id, {
        cursor,
        pageSize,
        phase: phase || undefined,
      }),
    [api, pipeline.id, phase],
  );
  const paging = useCursorPaging<PipelineRun>(
    load,
    `${pipeline.id}/${phase}`,
    10,
  );
  const columns = useMemo<GridColDef<PipelineRun>[]>(
    () => [
      {
        field: 'name',
        headerName: 'Run',
        minWidth: 220,
        flex: 1,
        renderCell: ({ row }) => {
          const href = links.pipelineRun(row.id);
          return href ? <Link to={href}>{row.name}</Link> : row.name;
        },
      },
      {
        field: 'phase',
        headerName: 'Phase',
        width: 120,
        renderCell: ({ row }) => <RunStatusChip status={row.phase} />,
      },
      {
        field: 'progress',
        headerName: 'Progress',
        width: 90,
        valueGetter: (_v, row) => row.progress ?? '—',
      },
      {
        field: 'nodes',
        headerName: 'Steps',
        minWidth: 220,
        flex: 1,
        renderCell: ({ row }) => <NodePhases nodes={row.nodes} />,
      },
      {
        field: 'startedAt',
        headerName: 'Started',
        width: 130,
        renderCell: ({ row }) => (
          <Tooltip title={dateTime(row.startedAt)}>
            <span>{timeAgo(row.startedAt)}</span>
          </Tooltip>
        ),
      },
      {
        field: 'duration',
        headerName: 'Duration',
        width: 100,
        valueGetter: (_v, row) => duration(row.startedAt, row.finishedAt),
      },
      {
        field: 'argo',
        headerName: 'Tool',
        width: 90,
        renderCell: ({ row }) =>
          row.source.url ? (
            <a href={row.source.url} target="_blank" rel="noopener noreferrer">
              open
            </a>
          ) : (
            '—'
          ),
      },
    ],
    // links are stable for a mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  return (
    <>
      <FreshnessBanner freshness={paging.freshness} />
      <TextField
        select
        size="small"
        label="Phase"
        value={phase}
        onChange={e => setPhase(e.target.value as PipelineRunPhase | '')}
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        sx={{ minWidth: 160, mb: 1 }}
      >
        <MenuItem value="">all</MenuItem>
        {phases.map(p => (
          <MenuItem key={p} value={p}>
            {p}
          </MenuItem>
        ))}
      </TextField>
      <CursorDataGrid<PipelineRun>
        paging={paging}
        what="pipeline runs"
        filtered={!!phase}
        emptyTitle="No runs yet"
        emptyDescription="Submit a run of this pipeline, or wait for Argo to report one."
        columns={columns}
        disableColumnFilter
        disableColumnSorting
        height={420}
      />
    </>
  );
};

/** /llm-ops/pipelines/:name: a pipeline, its parameters and its runs. */
export const PipelinePage = ({ idOrName }: { idOrName: string }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const { value, loading, error } = useAsync(
    () => api.getPipeline(idOrName),
    [api, idOrName],
  );
  return (
    <Box p={3}>
      <LoadState loading={loading} error={error} what="the pipeline">
        {value && (
          <>
            <AssetHeader
              kind="Pipeline"
              name={value.name}
              description={value.description}
              owner={value.owner}
              tags={value.tags}
              source={value.source}
              syncedAt={value.syncedAt}
              lineageHref={links.lineage('pipeline', value.id)}
            />
            <Section title="Pipeline">
              <KeyValueTable
                rows={[
                  ['runtime', value.runtime],
                  [
                    'template',
                    value.templateRef
                      ? `${value.templateRef.kind}/${value.templateRef.name}`
                      : '—',
                  ],
                  ['cluster', value.cluster ?? '—'],
                  ['namespace', value.namespace ?? '—'],
                  ...Object.entries(value.parameters).map(
                    ([k, v]): [string, string] => [`parameter ${k}`, v || '—'],
                  ),
                ]}
              />
            </Section>
            <Section title="Runs" testId="llm-ops-pipeline-runs">
              <PipelineRuns pipeline={value} />
            </Section>
            <Section title="Lineage">
              <LineagePanel type="pipeline" id={value.id} depth={2} />
            </Section>
          </>
        )}
      </LoadState>
    </Box>
  );
};
