import Alert from '@mui/material/Alert';
import Tooltip from '@mui/material/Tooltip';
import type { Freshness } from '../../api/types';
import { dateTime, timeAgo } from '../../lib/format';

export type FreshnessBannerProps = {
  /** The freshness of one or more lists shown on the page; undefined ones are ignored. */
  freshness: Array<Freshness | undefined> | Freshness | undefined;
  /** Known states of integrations by id (from GET /v1/integrations), else "down" is assumed. */
  states?: Record<string, string>;
};

/**
 * "Stale since … (integration X is down)": shown above a view whose data comes from an
 * integration that is not answering, so nobody mistakes what the store last saw for the truth.
 */
export const FreshnessBanner = ({
  freshness,
  states,
}: FreshnessBannerProps) => {
  const all = (Array.isArray(freshness) ? freshness : [freshness]).filter(
    (f): f is Freshness => !!f,
  );
  const degraded = new Map<string, string | null>();
  for (const f of all) {
    if (!f.stale && f.degradedIntegrations.length === 0) continue;
    for (const d of f.degradedIntegrations) {
      const known = degraded.get(d.id);
      // Keep the earliest "since" when several lists name the same integration.
      if (!degraded.has(d.id) || (d.since && (!known || d.since < known))) {
        degraded.set(d.id, d.since);
      }
    }
  }
  const stale = all.some(f => f.stale) || degraded.size > 0;
  if (!stale) return null;
  const entries = [...degraded.entries()];
  const earliest = entries
    .map(([, since]) => since)
    .filter((s): s is string => !!s)
    .sort()[0];
  const who = entries
    .map(([id]) => `integration ${id} is ${states?.[id] ?? 'down'}`)
    .join(', ');
  return (
    <Alert
      severity="warning"
      variant="outlined"
      data-testid="llm-ops-stale-banner"
      sx={{ mb: 2 }}
    >
      {earliest ? (
        <>
          Stale since{' '}
          <Tooltip title={dateTime(earliest)}>
            <span>{timeAgo(earliest)}</span>
          </Tooltip>
        </>
      ) : (
        'Possibly stale'
      )}
      {who ? ` (${who})` : ''}: this view shows what llm-ops last synced.
    </Alert>
  );
};
