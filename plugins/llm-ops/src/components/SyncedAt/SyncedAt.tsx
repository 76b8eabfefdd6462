import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import SyncIcon from '@mui/icons-material/Sync';
import SyncProblemIcon from '@mui/icons-material/SyncProblem';
import type { Freshness, Source } from '../../api/types';
import { dateTime, timeAgo } from '../../lib/format';

export type SyncedAtProps = {
  source: Source;
  syncedAt: string | null;
  /** The freshness of the list the resource came from, to mark it stale when its tool is down. */
  freshness?: Freshness;
};

/**
 * Where a resource comes from and when its tool last confirmed it: "mlflow · synced 3 minutes
 * ago", in warning colours when that tool is currently degraded or down.
 */
export const SyncedAt = ({ source, syncedAt, freshness }: SyncedAtProps) => {
  const degraded = freshness?.degradedIntegrations.find(
    d => d.id === source.integration,
  );
  const stale = !!degraded || (!syncedAt && source.integration !== 'builtin');
  const label = `${source.integration} · ${
    syncedAt ? `synced ${timeAgo(syncedAt)}` : 'never synced'
  }`;
  const title = [
    syncedAt ? `Last confirmed ${dateTime(syncedAt)}` : 'Not confirmed yet',
    source.externalId ? `external id ${source.externalId}` : undefined,
    degraded
      ? `stale: ${source.integration} is down${
          degraded.since ? ` since ${dateTime(degraded.since)}` : ''
        }`
      : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const chip = (
    <Chip
      size="small"
      variant="outlined"
      color={stale ? 'warning' : 'default'}
      icon={stale ? <SyncProblemIcon /> : <SyncIcon />}
      label={stale ? `${label} (stale)` : label}
      data-testid="llm-ops-synced-at"
      {...(source.url
        ? {
            component: 'a',
            href: source.url,
            target: '_blank',
            rel: 'noopener noreferrer',
            clickable: true,
          }
        : {})}
    />
  );
  return <Tooltip title={title}>{chip}</Tooltip>;
};
