import Chip, { type ChipProps } from '@mui/material/Chip';

const colors: Record<string, ChipProps['color']> = {
  // runs
  FINISHED: 'success',
  RUNNING: 'info',
  SCHEDULED: 'default',
  FAILED: 'error',
  KILLED: 'warning',
  // pipeline runs and nodes
  Succeeded: 'success',
  Running: 'info',
  Pending: 'default',
  Failed: 'error',
  Error: 'error',
  Skipped: 'default',
  Omitted: 'default',
  // endpoints and integrations
  Ready: 'success',
  NotReady: 'error',
  Unknown: 'default',
  up: 'success',
  degraded: 'warning',
  down: 'error',
  READY: 'success',
  PENDING_REGISTRATION: 'default',
  FAILED_REGISTRATION: 'error',
};

/** A status in the theme's status colours: run, pipeline phase, endpoint or integration state. */
export const RunStatusChip = ({ status }: { status: string }) => (
  <Chip
    size="small"
    variant="outlined"
    color={colors[status] ?? 'default'}
    label={status}
    data-testid="llm-ops-status"
  />
);
