import { useEffect, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import { LineChart } from '@mui/x-charts/LineChart';
import type { MetricHistory, Run } from '../../api/types';
import { useSeriesColors } from '../../lib/useSeriesColors';
import { LoadState } from '../LoadState';
import { useMetricHistories } from './useMetricHistories';

/** One x axis (the union of steps) and one series per run, null where a run has no point. */
export function overlay(
  histories: MetricHistory[],
  names: Map<string, string>,
) {
  const steps = [
    ...new Set(histories.flatMap(h => h.points.map(p => p.step))),
  ].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const series = histories.map(h => {
    const data: Array<number | null> = steps.map(() => null);
    for (const p of h.points) data[index.get(p.step)!] = p.value;
    return {
      id: h.runId,
      label: names.get(h.runId) ?? h.runId,
      data,
      connectNulls: true,
      showMark: false,
    };
  });
  return { steps, series };
}

export type MetricChartProps = {
  runs: Run[];
  /** The metric to start with; the user can pick any metric the runs have. */
  initialKey?: string;
  height?: number;
};

/**
 * Metric curves of one or more runs overlaid on one chart (x: step), each series downsampled
 * on the server to at most ~500 points, so a run with a million points costs the same.
 */
export const MetricChart = ({
  runs,
  initialKey,
  height = 320,
}: MetricChartProps) => {
  const keys = useMemo(
    () => [...new Set(runs.flatMap(r => Object.keys(r.metrics)))].sort(),
    [runs],
  );
  const [key, setKey] = useState<string | undefined>(initialKey ?? keys[0]);
  useEffect(() => {
    if (!key || !keys.includes(key)) setKey(initialKey ?? keys[0]);
  }, [key, keys, initialKey]);

  const withKey = runs.filter(r => key && r.metrics[key]);
  const { value, loading, error } = useMetricHistories(
    withKey.map(r => r.id),
    key,
  );
  const colors = useSeriesColors();
  const names = useMemo(() => new Map(runs.map(r => [r.id, r.name])), [runs]);
  const chart = useMemo(
    () => (value ? overlay(value, names) : undefined),
    [value, names],
  );

  if (keys.length === 0) {
    return (
      <LoadState
        loading={false}
        empty
        emptyTitle="No metrics logged"
        emptyDescription="These runs have no metrics to chart."
      />
    );
  }
  return (
    <Box data-testid="llm-ops-metric-chart">
      <Stack direction="row" spacing={2} alignItems="center" mb={1}>
        <FormControl size="small" sx={{ minWidth: 220 }}>
          <InputLabel id="llm-ops-metric-key">Metric</InputLabel>
          <Select
            labelId="llm-ops-metric-key"
            label="Metric"
            value={key ?? ''}
            onChange={e => setKey(e.target.value)}
          >
            {keys.map(k => (
              <MenuItem key={k} value={k}>
                {k}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {value?.some(h => h.downsampled) && (
          <Chip
            size="small"
            variant="outlined"
            label="downsampled on the server"
          />
        )}
      </Stack>
      <LoadState loading={loading} error={error} what="the metric history">
        {chart && chart.steps.length > 0 ? (
          <LineChart
            height={height}
            colors={colors}
            xAxis={[{ data: chart.steps, label: 'step', scaleType: 'linear' }]}
            yAxis={[{ label: key }]}
            series={chart.series}
            skipAnimation
          />
        ) : (
          <LoadState loading={false} empty emptyTitle={`No points of ${key}`} />
        )}
      </LoadState>
    </Box>
  );
};
