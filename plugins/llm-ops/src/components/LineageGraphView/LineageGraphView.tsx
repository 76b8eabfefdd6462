import { useMemo } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { alpha, useTheme, type Theme } from '@mui/material/styles';
import { Link } from '@backstage/core-components';
import type { LineageGraph, LineageNode } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { layoutLineage } from './layout';

const NODE_WIDTH = 210;
const NODE_HEIGHT = 58;
const COLUMN_GAP = 90;
const ROW_GAP = 18;
const HEADER = 28;
const MAX_LABELLED_EDGES = 12;

const typeLabel: Record<LineageNode['type'], string> = {
  experiment: 'Experiment',
  run: 'Run',
  model: 'Model',
  'model-version': 'Model version',
  dataset: 'Dataset',
  'dataset-version': 'Dataset version',
  endpoint: 'Endpoint',
  pipeline: 'Pipeline',
  'pipeline-run': 'Pipeline run',
  // A node the caller may not read: the server discloses neither its name nor its id.
  hidden: 'Hidden',
};

function typeColor(theme: Theme, type: LineageNode['type']): string {
  switch (type) {
    case 'dataset':
    case 'dataset-version':
      return theme.palette.info.main;
    case 'pipeline':
    case 'pipeline-run':
      return theme.palette.warning.main;
    case 'experiment':
    case 'run':
      return theme.palette.primary.main;
    case 'model':
    case 'model-version':
      return theme.palette.secondary.main;
    case 'endpoint':
      return theme.palette.success.main;
    default:
      return theme.palette.text.secondary;
  }
}

function columnTitle(column: number) {
  if (column === 0) return 'this';
  return column < 0 ? `${-column} upstream` : `${column} downstream`;
}

export type LineageGraphViewProps = { graph: LineageGraph };

/**
 * A lineage graph as columns by distance from the resource: what it came from on the left
 * (dataset → pipeline run → run), what came of it on the right (model version → endpoint).
 * Each node links to its page.
 */
export const LineageGraphView = ({ graph }: LineageGraphViewProps) => {
  const theme = useTheme();
  const links = useLinks();
  const layout = useMemo(() => layoutLineage(graph), [graph]);
  const x = (column: number) =>
    (column - layout.minColumn) * (NODE_WIDTH + COLUMN_GAP);
  const y = (row: number) => HEADER + row * (NODE_HEIGHT + ROW_GAP);
  const width = layout.columns * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP;
  const height = HEADER + layout.rows * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;
  const at = new Map(layout.nodes.map(n => [n.id, n]));
  const columns = [...new Set(layout.nodes.map(n => n.column))];
  // With many edges their labels pile up: then the relation shows on hover only.
  const labelled = graph.edges.length <= MAX_LABELLED_EDGES;

  return (
    <Box sx={{ overflowX: 'auto', pb: 1 }} data-testid="llm-ops-lineage-graph">
      <Box sx={{ position: 'relative', width, height, minWidth: width }}>
        <svg
          width={width}
          height={height}
          style={{ position: 'absolute', left: 0, top: 0 }}
          aria-hidden
        >
          <defs>
            <marker
              id="llm-ops-arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path
                d="M 0 0 L 10 5 L 0 10 z"
                fill={theme.palette.text.secondary}
              />
            </marker>
          </defs>
          {graph.edges.map(edge => {
            const from = at.get(edge.from);
            const to = at.get(edge.to);
            if (!from || !to) return null;
            const y1 = y(from.row) + NODE_HEIGHT / 2;
            const y2 = y(to.row) + NODE_HEIGHT / 2;
            let x1: number;
            let x2: number;
            let c1: number;
            let c2: number;
            if (from.column === to.column) {
              // Within a column (a pipeline run that ran a run): a loop on the right side.
              x1 = x(from.column) + NODE_WIDTH;
              x2 = x1;
              c1 = x1 + COLUMN_GAP / 2;
              c2 = c1;
            } else {
              const forward = from.column < to.column;
              x1 = x(from.column) + (forward ? NODE_WIDTH : 0);
              x2 = x(to.column) + (forward ? 0 : NODE_WIDTH);
              const bend = Math.max(40, Math.abs(x2 - x1) / 2);
              c1 = forward ? x1 + bend : x1 - bend;
              c2 = forward ? x2 - bend : x2 + bend;
            }
            return (
              <g key={`${edge.from}>${edge.to}`}>
                <path
                  d={`M ${x1} ${y1} C ${c1} ${y1}, ${c2} ${y2}, ${x2} ${y2}`}
                  fill="none"
                  stroke={theme.palette.text.secondary}
                  strokeOpacity={0.6}
                  strokeDasharray={
                    edge.relation === 'contains' ? '4 4' : undefined
                  }
                  markerEnd="url(#llm-ops-arrow)"
                >
                  <title>{edge.relation}</title>
                </path>
                {labelled && (
                  <text
                    x={
                      from.column === to.column
                        ? x1 + COLUMN_GAP / 2 + 4
                        : (x1 + x2) / 2
                    }
                    y={(y1 + y2) / 2 - 4}
                    textAnchor="middle"
                    fontSize={10}
                    fill={theme.palette.text.secondary}
                  >
                    {edge.relation}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
        {columns.map(column => (
          <Typography
            key={column}
            variant="caption"
            color="text.secondary"
            sx={{
              position: 'absolute',
              left: x(column),
              top: 0,
              width: NODE_WIDTH,
            }}
            textAlign="center"
          >
            {columnTitle(column)}
          </Typography>
        ))}
        {layout.nodes.map(node => {
          const href = links.lineageNode(node);
          const color = typeColor(theme, node.type);
          const root = node.direction === 'root';
          return (
            <Paper
              key={node.id}
              variant="outlined"
              data-testid="llm-ops-lineage-node"
              data-node-type={node.type}
              data-column={node.column}
              sx={{
                position: 'absolute',
                left: x(node.column),
                top: y(node.row),
                width: NODE_WIDTH,
                height: NODE_HEIGHT,
                px: 1.25,
                py: 0.75,
                borderColor: color,
                borderWidth: root ? 2 : 1,
                borderLeftWidth: 6,
                backgroundColor: root
                  ? alpha(color, 0.12)
                  : theme.palette.background.paper,
                overflow: 'hidden',
              }}
            >
              <Typography
                variant="caption"
                color="text.secondary"
                noWrap
                component="div"
              >
                {typeLabel[node.type] ?? node.type}
              </Typography>
              <Typography
                variant="body2"
                noWrap
                title={node.label}
                component="div"
              >
                {href ? <Link to={href}>{node.label}</Link> : node.label}
              </Typography>
            </Paper>
          );
        })}
      </Box>
    </Box>
  );
};
