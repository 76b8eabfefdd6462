import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  llmOpsAssetResourceRef,
  llmOpsEndpointPromotePermission,
} from '@llm-ops/backstage-plugin-llm-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Endpoint, OutboxRef } from '../../api/types';
import { dateTime, timeAgo } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { AssetHeader } from '../AssetHeader';
import { KeyValueTable } from '../KeyValueTable';
import { LineagePanel } from '../LineagePanel';
import { LoadState } from '../LoadState';
import { RunStatusChip } from '../RunStatusChip';
import { Section } from '../Section';
import { TrafficSplit } from '../TrafficSplit';

const conditionState = {
  True: 'Ready',
  False: 'NotReady',
  Unknown: 'Unknown',
} as const;

/**
 * Promote (the canary takes all the traffic) and roll back (the canary goes), shown only when
 * there is a canary and the user holds llm-ops.endpoint.promote on this endpoint (a policy may
 * allow it only to the endpoint's owners); the backend checks it again.
 */
export const CanaryActions = (props: {
  endpoint: Endpoint;
  onChange: (endpoint: Endpoint, outbox?: OutboxRef) => void;
}) => {
  const { endpoint, onChange } = props;
  const api = useApi(llmOpsApiRef);
  const { allowed } = usePermission({
    permission: llmOpsEndpointPromotePermission,
    resourceRef: llmOpsAssetResourceRef('endpoint', endpoint.id),
  });
  const [busy, setBusy] = useState<'promote' | 'rollback' | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const canary = endpoint.desired.traffic.find(t => t.role === 'canary');
  if (!canary || !allowed) return null;

  const act = async (action: 'promote' | 'rollback') => {
    setBusy(action);
    setError(undefined);
    try {
      const result =
        action === 'promote'
          ? await api.promoteEndpoint(endpoint.id)
          : await api.rollbackEndpoint(endpoint.id);
      onChange(result.resource, result.outbox);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Box data-testid="llm-ops-canary-actions">
      <Stack direction="row" spacing={1}>
        <Button
          variant="contained"
          color="success"
          disabled={!!busy}
          onClick={() => act('promote')}
        >
          Promote canary (v{canary.version})
        </Button>
        <Button
          variant="outlined"
          color="warning"
          disabled={!!busy}
          onClick={() => act('rollback')}
        >
          Roll back
        </Button>
      </Stack>
      {error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {error.message}
        </Alert>
      )}
    </Box>
  );
};

/** /llm-ops/endpoints/:name: conditions, URL, traffic split, canary actions and lineage. */
export const EndpointPage = ({ idOrName }: { idOrName: string }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const loaded = useAsync(() => api.getEndpoint(idOrName), [api, idOrName]);
  const [endpoint, setEndpoint] = useState<Endpoint | undefined>();
  const [queued, setQueued] = useState<OutboxRef | undefined>();
  useEffect(() => setEndpoint(loaded.value), [loaded.value]);

  return (
    <Box p={3}>
      <LoadState
        loading={loaded.loading}
        error={loaded.error}
        what="the endpoint"
      >
        {endpoint && (
          <>
            <AssetHeader
              kind="Endpoint"
              name={endpoint.name}
              description={endpoint.description}
              owner={endpoint.owner}
              tags={endpoint.tags}
              source={endpoint.source}
              syncedAt={endpoint.syncedAt}
              lineageHref={links.lineage('endpoint', endpoint.id)}
              actions={<RunStatusChip status={endpoint.observed.state} />}
            />
            {queued && (
              <Alert
                severity="info"
                sx={{ mb: 2 }}
                data-testid="llm-ops-queued"
              >
                {queued.integration} is unavailable: the change waits in the
                outbox (#{queued.id}, {queued.state}) and is applied when it
                answers again.
              </Alert>
            )}
            <Grid container spacing={2}>
              <Grid item xs={12} md={6}>
                <Section title="Endpoint">
                  <KeyValueTable
                    rows={[
                      [
                        'url',
                        endpoint.url ? (
                          <a
                            href={endpoint.url}
                            target="_blank"
                            rel="noopener noreferrer"
                          >
                            {endpoint.url}
                          </a>
                        ) : (
                          '—'
                        ),
                      ],
                      ['runtime', endpoint.runtime],
                      ['cluster', endpoint.cluster ?? '—'],
                      ['namespace', endpoint.namespace ?? '—'],
                      [
                        'replicas',
                        `${endpoint.desired.minReplicas}–${endpoint.desired.maxReplicas}`,
                      ],
                      [
                        'ready revision',
                        endpoint.observed.latestReadyRevision ?? '—',
                      ],
                      ['observed', dateTime(endpoint.observed.observedAt)],
                    ]}
                  />
                </Section>
                <Section title="Conditions">
                  {endpoint.observed.conditions.length === 0 ? (
                    <Typography variant="body2" color="text.secondary">
                      No conditions reported
                      {endpoint.observed.state === 'Unknown'
                        ? ': the serving platform has not reported yet.'
                        : '.'}
                    </Typography>
                  ) : (
                    <Box sx={{ overflowX: 'auto' }}>
                      <Table
                        size="small"
                        aria-label="Conditions"
                        sx={{ '& th, & td': { whiteSpace: 'nowrap' } }}
                      >
                        <TableHead>
                          <TableRow>
                            <TableCell>Type</TableCell>
                            <TableCell>Status</TableCell>
                            <TableCell>Reason</TableCell>
                            <TableCell>Since</TableCell>
                          </TableRow>
                        </TableHead>
                        <TableBody>
                          {endpoint.observed.conditions.map(c => (
                            <TableRow key={c.type}>
                              <TableCell>{c.type}</TableCell>
                              <TableCell>
                                <RunStatusChip
                                  status={conditionState[c.status]}
                                />{' '}
                                {c.status}
                              </TableCell>
                              <TableCell title={c.message ?? undefined}>
                                {c.reason ?? '—'}
                              </TableCell>
                              <TableCell>
                                {timeAgo(c.lastTransitionTime)}
                              </TableCell>
                            </TableRow>
                          ))}
                        </TableBody>
                      </Table>
                    </Box>
                  )}
                </Section>
              </Grid>
              <Grid item xs={12} md={6}>
                <Section
                  title="Traffic"
                  testId="llm-ops-traffic"
                  action={
                    <CanaryActions
                      endpoint={endpoint}
                      onChange={(next, outbox) => {
                        setEndpoint(next);
                        setQueued(outbox);
                      }}
                    />
                  }
                >
                  <TrafficSplit
                    traffic={endpoint.desired.traffic}
                    label="Desired"
                  />
                  <TrafficSplit
                    traffic={endpoint.observed.traffic}
                    label="Observed"
                  />
                </Section>
              </Grid>
            </Grid>
            <Section title="Lineage" testId="llm-ops-endpoint-lineage">
              <LineagePanel type="endpoint" id={endpoint.id} />
            </Section>
          </>
        )}
      </LoadState>
    </Box>
  );
};
