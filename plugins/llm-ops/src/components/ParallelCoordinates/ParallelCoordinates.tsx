import { useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import type { Run } from '../../api/types';
import { metricValue } from '../../lib/format';
import { useSeriesColors } from '../../lib/useSeriesColors';

/** The value of `params.x`, `metrics.y` or `tags.z` of a run, if it has one. */
export function valueOf(run: Run, axis: string): string | number | undefined {
  const dot = axis.indexOf('.');
  const kind = axis.slice(0, dot);
  const key = axis.slice(dot + 1);
  // A NaN metric (null) has no place on an axis: like a run without the metric.
  if (kind === 'metrics') return run.metrics[key]?.value ?? undefined;
  if (kind === 'params') return run.params[key];
  if (kind === 'tags') return run.tags[key];
  return undefined;
}

type Axis = {
  name: string;
  /** Position (0 at the bottom, 1 at the top) of a run's value, undefined when it has none. */
  position: (run: Run) => number | undefined;
  ticks: Array<{ at: number; label: string }>;
};

/** A numeric axis when every value parses as a number, else one slot per distinct value. */
export function buildAxis(runs: Run[], name: string): Axis {
  const raw = runs.map(r => valueOf(r, name));
  const present = raw.filter((v): v is string | number => v !== undefined);
  const numbers = present.map(v => (typeof v === 'number' ? v : Number(v)));
  if (present.length > 0 && numbers.every(n => Number.isFinite(n))) {
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    const span = max - min;
    const scale = (n: number) => (span === 0 ? 0.5 : (n - min) / span);
    return {
      name,
      position: run => {
        const v = valueOf(run, name);
        return v === undefined ? undefined : scale(Number(v));
      },
      ticks:
        span === 0
          ? [{ at: 0.5, label: metricValue(min) }]
          : [
              { at: 0, label: metricValue(min) },
              { at: 1, label: metricValue(max) },
            ],
    };
  }
  const categories = [...new Set(present.map(String))].sort();
  const slot = (c: string) =>
    categories.length === 1
      ? 0.5
      : categories.indexOf(c) / (categories.length - 1);
  return {
    name,
    position: run => {
      const v = valueOf(run, name);
      return v === undefined ? undefined : slot(String(v));
    },
    ticks: categories.map(c => ({ at: slot(c), label: c })),
  };
}

export type ParallelCoordinatesProps = {
  runs: Run[];
  /** `params.<key>` and `metrics.<key>` names, one axis each, left to right. */
  axes: string[];
  height?: number;
};

const WIDTH = 960;
const TOP = 36;
const BOTTOM = 24;
const SIDE = 70;

/**
 * A hyperparameter sweep at a glance: one vertical axis per chosen param or metric, one line per
 * run through its values. Hovering a line names the run.
 */
export const ParallelCoordinates = ({
  runs,
  axes,
  height = 320,
}: ParallelCoordinatesProps) => {
  const theme = useTheme();
  const colors = useSeriesColors();
  const [hovered, setHovered] = useState<string | undefined>();
  const built = useMemo(() => axes.map(a => buildAxis(runs, a)), [runs, axes]);

  if (axes.length < 2 || runs.length === 0) {
    return (
      <Typography color="text.secondary" data-testid="llm-ops-parallel-empty">
        Pick at least two params or metrics (as columns of the runs table) to
        draw a parallel coordinates plot.
      </Typography>
    );
  }
  const x = (i: number) =>
    SIDE + (i * (WIDTH - 2 * SIDE)) / Math.max(1, built.length - 1);
  const y = (p: number) => TOP + (1 - p) * (height - TOP - BOTTOM);
  const textColor = theme.palette.text.secondary;

  return (
    <Box sx={{ overflowX: 'auto' }}>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label="Parallel coordinates of the runs"
        data-testid="llm-ops-parallel-coordinates"
        style={{ minWidth: 600, fontFamily: theme.typography.fontFamily }}
      >
        {built.map((axis, i) => (
          <g key={axis.name} data-testid="llm-ops-parallel-axis">
            <line
              x1={x(i)}
              x2={x(i)}
              y1={y(0)}
              y2={y(1)}
              stroke={theme.palette.divider}
              strokeWidth={2}
            />
            <text
              x={x(i)}
              y={TOP - 18}
              textAnchor="middle"
              fontSize={12}
              fill={theme.palette.text.primary}
            >
              {axis.name}
            </text>
            {axis.ticks.map(t => (
              <text
                key={`${t.at}-${t.label}`}
                x={x(i) + 6}
                y={y(t.at) + 4}
                fontSize={11}
                fill={textColor}
              >
                {t.label}
              </text>
            ))}
          </g>
        ))}
        {runs.map((run, r) => {
          const points = built
            .map((axis, i) => {
              const p = axis.position(run);
              return p === undefined ? undefined : `${x(i)},${y(p)}`;
            })
            .filter(Boolean)
            .join(' ');
          const active = hovered === undefined || hovered === run.id;
          return (
            <polyline
              key={run.id}
              data-testid="llm-ops-parallel-line"
              points={points}
              fill="none"
              stroke={colors[r % colors.length]}
              strokeWidth={hovered === run.id ? 3.5 : 2}
              strokeOpacity={active ? 0.9 : 0.15}
              onMouseEnter={() => setHovered(run.id)}
              onMouseLeave={() => setHovered(undefined)}
            >
              <title>{run.name}</title>
            </polyline>
          );
        })}
      </svg>
    </Box>
  );
};
