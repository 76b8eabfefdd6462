import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import type { PipelineRunNode } from '../../api/types';

const colorOf = {
  Succeeded: 'success',
  Running: 'info',
  Pending: 'default',
  Failed: 'error',
  Error: 'error',
  Skipped: 'default',
  Omitted: 'default',
} as const;

/** How many steps of a pipeline run are in each phase: "3 Succeeded · 1 Running". */
export const NodePhases = ({ nodes }: { nodes: PipelineRunNode[] }) => {
  const counts = new Map<PipelineRunNode['phase'], number>();
  for (const node of nodes)
    counts.set(node.phase, (counts.get(node.phase) ?? 0) + 1);
  if (counts.size === 0) return <>—</>;
  return (
    <Stack direction="row" spacing={0.5} data-testid="llm-ops-node-phases">
      {[...counts.entries()].map(([phase, count]) => (
        <Chip
          key={phase}
          size="small"
          variant="outlined"
          color={colorOf[phase] ?? 'default'}
          label={`${count} ${phase}`}
        />
      ))}
    </Stack>
  );
};
