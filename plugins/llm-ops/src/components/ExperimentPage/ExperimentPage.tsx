import { useEffect, useMemo, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { GridSortModel } from '@mui/x-data-grid';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Experiment, Run } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { AssetHeader } from '../AssetHeader';
import { FreshnessBanner } from '../FreshnessBanner';
import { LoadState } from '../LoadState';
import { MetricChart } from '../MetricChart';
import { ParallelCoordinates } from '../ParallelCoordinates';
import { RunColumnPicker } from '../RunColumnPicker';
import { RunComparison } from '../RunComparison';
import { RunSearchBox } from '../RunSearchBox';
import { RunsTable, runOrderBy } from '../RunsTable';
import { Section } from '../Section';
import { useRunSearch } from './useRunSearch';

const DEFAULT_METRIC_COLUMNS = 3;
const DEFAULT_PARAM_COLUMNS = 3;

/** Every `params.*` and `metrics.*` key of the runs. */
function keysOf(runs: Run[]) {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    Object.keys(run.params).forEach(k => params.add(`params.${k}`));
    Object.keys(run.metrics).forEach(k => metrics.add(`metrics.${k}`));
  }
  return { params: [...params].sort(), metrics: [...metrics].sort() };
}

/** The runs part of an experiment page: search, table, comparison, charts, sweep plot. */
export const ExperimentRuns = ({ experiment }: { experiment: Experiment }) => {
  const [filter, setFilter] = useState('');
  const [sortModel, setSortModel] = useState<GridSortModel>([]);
  const [columns, setColumns] = useState<string[] | undefined>();
  const [selection, setSelection] = useState<string[]>([]);
  const { paging, filterError } = useRunSearch(
    experiment.id,
    filter,
    runOrderBy(sortModel),
  );

  // Runs seen on any page, so a selection survives paging and searching.
  const seen = useRef(new Map<string, Run>());
  const [keys, setKeys] = useState<{ params: string[]; metrics: string[] }>({
    params: [],
    metrics: [],
  });
  useEffect(() => {
    paging.rows.forEach(r => seen.current.set(r.id, r));
    const all = keysOf([...seen.current.values()]);
    setKeys(current =>
      JSON.stringify(current) === JSON.stringify(all) ? current : all,
    );
  }, [paging.rows]);

  // Until the user picks, show the first few metrics and params.
  const shownColumns = useMemo(
    () =>
      columns ?? [
        ...keys.metrics.slice(0, DEFAULT_METRIC_COLUMNS),
        ...keys.params.slice(0, DEFAULT_PARAM_COLUMNS),
      ],
    [columns, keys],
  );
  const selected = selection
    .map(id => seen.current.get(id))
    .filter((r): r is Run => !!r);
  // The sweep plot shows the selected runs, or the whole page when fewer than two are selected.
  const sweepRuns = selected.length >= 2 ? selected : paging.rows;
  const firstMetric = shownColumns
    .find(c => c.startsWith('metrics.'))
    ?.slice('metrics.'.length);

  return (
    <>
      <FreshnessBanner freshness={paging.freshness} />
      <Section title="Runs" testId="llm-ops-runs">
        <Stack spacing={2}>
          <RunSearchBox
            value={filter}
            onSearch={setFilter}
            error={filterError}
          />
          <RunColumnPicker
            options={[...keys.metrics, ...keys.params]}
            value={shownColumns}
            onChange={setColumns}
          />
          <RunsTable
            paging={paging}
            columns={shownColumns}
            sortModel={sortModel}
            onSortModelChange={setSortModel}
            selection={selection}
            onSelectionChange={setSelection}
            filtered={!!filter}
          />
        </Stack>
      </Section>
      <Section
        title={
          selected.length > 0
            ? `Compare ${selected.length} run${selected.length > 1 ? 's' : ''}`
            : 'Compare runs'
        }
        testId="llm-ops-compare"
        action={
          selected.length > 0 && (
            <Button size="small" onClick={() => setSelection([])}>
              Clear selection
            </Button>
          )
        }
      >
        {selected.length === 0 ? (
          <Typography color="text.secondary">
            Select runs in the table to compare their params and metrics and to
            overlay their metric curves.
          </Typography>
        ) : (
          <Stack spacing={3}>
            {selected.length >= 2 ? (
              <RunComparison runs={selected} />
            ) : (
              <Alert severity="info" variant="outlined">
                Select one more run to compare params and metrics side by side.
              </Alert>
            )}
            <MetricChart runs={selected} initialKey={firstMetric} />
          </Stack>
        )}
      </Section>
      <Section title="Parallel coordinates" testId="llm-ops-sweep">
        <Typography variant="body2" color="text.secondary" mb={1}>
          {selected.length >= 2
            ? `The ${selected.length} selected runs`
            : 'The runs of this page'}{' '}
          on the chosen columns.
        </Typography>
        <ParallelCoordinates
          runs={sweepRuns}
          axes={[
            // Hyperparameters on the left, the metrics they led to on the right.
            ...shownColumns.filter(c => c.startsWith('params.')),
            ...shownColumns.filter(c => !c.startsWith('params.')),
          ]}
        />
      </Section>
    </>
  );
};

/** /llm-ops/experiments/:name: an experiment and its runs. */
export const ExperimentPage = ({ idOrName }: { idOrName: string }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const { value, loading, error } = useAsync(
    () => api.getExperiment(idOrName),
    [api, idOrName],
  );
  return (
    <Box p={3}>
      <LoadState loading={loading} error={error} what="the experiment">
        {value && (
          <>
            <AssetHeader
              kind="Experiment"
              name={value.name}
              description={value.description}
              owner={value.owner}
              tags={value.tags}
              lifecycle={value.lifecycle}
              source={value.source}
              syncedAt={value.syncedAt}
              lineageHref={links.lineage('experiment', value.id)}
            />
            <ExperimentRuns experiment={value} />
          </>
        )}
      </LoadState>
    </Box>
  );
};
