import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AccountTreeIcon from '@mui/icons-material/AccountTree';
import { Link } from '@backstage/core-components';
import type { Freshness, Source } from '../../api/types';
import { SyncedAt } from '../SyncedAt';

export type AssetHeaderProps = {
  kind: string;
  name: string;
  description?: string | null;
  owner?: string | null;
  tags?: Record<string, string>;
  lifecycle?: string;
  source: Source;
  syncedAt: string | null;
  freshness?: Freshness;
  /** The lineage page of the asset, if the app mounts it. */
  lineageHref?: string;
  /** Extra chips or buttons on the right. */
  actions?: ReactNode;
};

/** The top of a detail page: kind, name, owner, tags, source and last sync, lineage link. */
export const AssetHeader = (props: AssetHeaderProps) => {
  const { kind, name, description, owner, tags = {}, lifecycle } = props;
  return (
    <Box mb={2} data-testid="llm-ops-asset-header">
      <Stack
        direction="row"
        spacing={2}
        alignItems="center"
        flexWrap="wrap"
        useFlexGap
      >
        <Typography variant="overline" color="text.secondary">
          {kind}
        </Typography>
        <Typography variant="h5" component="h2">
          {name}
        </Typography>
        {lifecycle === 'deleted' && (
          <Chip size="small" color="error" label="deleted" />
        )}
        <SyncedAt
          source={props.source}
          syncedAt={props.syncedAt}
          freshness={props.freshness}
        />
        <Box flexGrow={1} />
        {props.actions}
        {props.lineageHref && (
          <Button
            component={Link}
            to={props.lineageHref}
            startIcon={<AccountTreeIcon />}
            size="small"
          >
            Lineage
          </Button>
        )}
      </Stack>
      {description && (
        <Typography variant="body2" color="text.secondary" mt={1}>
          {description}
        </Typography>
      )}
      <Stack direction="row" spacing={1} mt={1} flexWrap="wrap" useFlexGap>
        {owner && <Chip size="small" label={`owner: ${owner}`} />}
        {Object.entries(tags).map(([k, v]) => (
          <Chip
            key={k}
            size="small"
            variant="outlined"
            label={v ? `${k}=${v}` : k}
          />
        ))}
      </Stack>
    </Box>
  );
};
