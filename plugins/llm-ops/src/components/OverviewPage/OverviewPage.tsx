import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardActionArea from '@mui/material/CardActionArea';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { Link as RouterLink } from 'react-router-dom';
import { countLabel, dateTime, timeAgo } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { trafficSummary } from '../EndpointsPage';
import { FreshnessBanner } from '../FreshnessBanner';
import { LoadState } from '../LoadState';
import { RunStatusChip } from '../RunStatusChip';
import { Section } from '../Section';
import {
  useCounts,
  useHealth,
  useIntegrations,
  useRecentDeployments,
  useRecentRuns,
} from './useOverview';

const titles = {
  experiments: 'Experiments',
  models: 'Models',
  endpoints: 'Endpoints',
  datasets: 'Datasets',
  pipelines: 'Pipelines',
};

type IntegrationsState = ReturnType<typeof useIntegrations>;

const Counts = ({ integrations }: { integrations: IntegrationsState }) => {
  const { value, loading, error } = useCounts();
  const states = Object.fromEntries(
    (integrations.value?.items ?? []).map(i => [i.id, i.state]),
  );
  const links = useLinks();
  const hrefOf = {
    experiments: links.experiments(),
    models: links.models(),
    endpoints: links.endpoints(),
    datasets: links.datasets(),
    pipelines: links.pipelines(),
  };
  return (
    <LoadState loading={loading} error={error} what="the counts">
      <FreshnessBanner
        freshness={value?.map(c => c.freshness)}
        states={states}
      />
      <Grid container spacing={2} mb={2}>
        {value?.map(c => {
          const href = hrefOf[c.kind];
          const content = (
            <CardContent>
              <Typography variant="h4" component="div">
                {countLabel(c.count, c.more)}
              </Typography>
              <Typography color="text.secondary">{titles[c.kind]}</Typography>
            </CardContent>
          );
          return (
            <Grid item xs={6} sm={4} md={12 / 5} key={c.kind}>
              <Card variant="outlined" data-testid={`llm-ops-count-${c.kind}`}>
                {href ? (
                  <CardActionArea component={RouterLink} to={href}>
                    {content}
                  </CardActionArea>
                ) : (
                  content
                )}
              </Card>
            </Grid>
          );
        })}
      </Grid>
    </LoadState>
  );
};

const RecentRuns = () => {
  const { value, loading, error } = useRecentRuns();
  const links = useLinks();
  const experimentName = new Map(value?.experiments.map(e => [e.id, e.name]));
  return (
    <Section title="Recent runs" testId="llm-ops-recent-runs">
      <LoadState
        loading={loading}
        error={error}
        what="recent runs"
        empty={value?.runs.length === 0}
        emptyTitle="No runs yet"
        emptyDescription="Runs logged to any experiment show up here."
      >
        <Table size="small" aria-label="Recent runs">
          <TableHead>
            <TableRow>
              <TableCell>Run</TableCell>
              <TableCell>Experiment</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Started</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value?.runs.map(run => {
              const runHref = links.run(run.id);
              const name = experimentName.get(run.experimentId);
              const expHref = name && links.experiment(name);
              return (
                <TableRow key={run.id}>
                  <TableCell>
                    {runHref ? <Link to={runHref}>{run.name}</Link> : run.name}
                  </TableCell>
                  <TableCell>
                    {expHref ? <Link to={expHref}>{name}</Link> : name ?? '—'}
                  </TableCell>
                  <TableCell>
                    <RunStatusChip status={run.status} />
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    <Tooltip title={dateTime(run.startTime)}>
                      <span>{timeAgo(run.startTime)}</span>
                    </Tooltip>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </LoadState>
    </Section>
  );
};

const RecentDeployments = () => {
  const { value, loading, error } = useRecentDeployments();
  const links = useLinks();
  return (
    <Section title="Recent deployments" testId="llm-ops-recent-deployments">
      <LoadState
        loading={loading}
        error={error}
        what="recent deployments"
        empty={value?.items.length === 0}
        emptyTitle="No endpoints yet"
        emptyDescription="Endpoints and what they serve show up here."
      >
        <Table size="small" aria-label="Recent deployments">
          <TableHead>
            <TableRow>
              <TableCell>Endpoint</TableCell>
              <TableCell>Serving</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Changed</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value?.items.map(endpoint => {
              const href = links.endpoint(endpoint.name);
              return (
                <TableRow key={endpoint.id}>
                  <TableCell>
                    {href ? (
                      <Link to={href}>{endpoint.name}</Link>
                    ) : (
                      endpoint.name
                    )}
                  </TableCell>
                  <TableCell>{trafficSummary(endpoint)}</TableCell>
                  <TableCell>
                    <RunStatusChip status={endpoint.observed.state} />
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    <Tooltip title={dateTime(endpoint.updatedAt)}>
                      <span>{timeAgo(endpoint.updatedAt)}</span>
                    </Tooltip>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </LoadState>
    </Section>
  );
};

const Integrations = ({
  integrations,
}: {
  integrations: IntegrationsState;
}) => {
  const { value, loading, error } = integrations;
  return (
    <Section title="Integrations" testId="llm-ops-integrations">
      <LoadState
        loading={loading}
        error={error}
        what="the integrations"
        empty={value?.items.length === 0}
        emptyTitle="No integrations configured"
      >
        <Table size="small" aria-label="Integrations">
          <TableHead>
            <TableRow>
              <TableCell>Integration</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Since</TableCell>
              <TableCell>Last sync</TableCell>
              <TableCell align="right">Outbox</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value?.items.map(i => (
              <TableRow key={i.id} data-testid={`llm-ops-integration-${i.id}`}>
                <TableCell>
                  <Typography variant="body2">{i.id}</Typography>
                  <Typography variant="caption" color="text.secondary">
                    {i.type}
                    {i.categories.length ? ` · ${i.categories.join(', ')}` : ''}
                    {i.enabled ? '' : ' · disabled'}
                  </Typography>
                </TableCell>
                <TableCell>
                  <Tooltip title={i.lastError ?? ''}>
                    <span>
                      <RunStatusChip status={i.state} />
                    </span>
                  </Tooltip>
                </TableCell>
                <TableCell>
                  <Tooltip title={dateTime(i.since)}>
                    <span>{timeAgo(i.since)}</span>
                  </Tooltip>
                </TableCell>
                <TableCell>
                  <Tooltip title={dateTime(i.lastSuccessfulSyncAt)}>
                    <span>{timeAgo(i.lastSuccessfulSyncAt)}</span>
                  </Tooltip>
                </TableCell>
                <TableCell align="right">
                  {i.outboxDepth > 0 ? (
                    <Chip
                      size="small"
                      color="warning"
                      label={`${i.outboxDepth} queued`}
                    />
                  ) : (
                    0
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {value?.items
          .filter(i => i.lastError && i.state !== 'up')
          .map(i => (
            <Typography
              key={i.id}
              variant="caption"
              color="error"
              component="div"
              mt={1}
            >
              {i.id}: {i.lastError}
            </Typography>
          ))}
      </LoadState>
    </Section>
  );
};

const Backend = () => {
  const { value: health, error } = useHealth();
  if (error) {
    return (
      <Typography
        variant="caption"
        color="error"
        data-testid="llm-ops-health-error"
      >
        The llm-ops backend did not answer: {error.message}
      </Typography>
    );
  }
  if (!health) return null;
  return (
    <Stack
      direction="row"
      spacing={1}
      flexWrap="wrap"
      useFlexGap
      data-testid="llm-ops-backend-card"
    >
      <Chip
        size="small"
        variant="outlined"
        label={`llm-ops ${health.version}`}
      />
      <Chip
        size="small"
        variant="outlined"
        label={`database: ${health.database.client}`}
      />
      <Chip
        size="small"
        variant="outlined"
        color={health.cache.ok ? 'default' : 'warning'}
        label={`cache: ${health.cache.store}${
          health.cache.ok ? '' : ' (not answering)'
        }`}
      />
    </Stack>
  );
};

/**
 * The /llm-ops landing page: how much there is, what ran and was deployed last, and whether
 * every integration behind it is healthy.
 */
export const OverviewPage = () => {
  const integrations = useIntegrations();
  return (
    <Box p={3}>
      <Stack
        direction="row"
        alignItems="center"
        spacing={2}
        mb={2}
        flexWrap="wrap"
        useFlexGap
      >
        <Typography variant="body1" color="text.secondary" flexGrow={1}>
          Experiments, models, serving endpoints, datasets and pipelines from
          your ML tools, with lineage and live status.
        </Typography>
        <Backend />
      </Stack>
      <Counts integrations={integrations} />
      <Grid container spacing={2}>
        <Grid item xs={12} lg={6}>
          <RecentRuns />
        </Grid>
        <Grid item xs={12} lg={6}>
          <RecentDeployments />
        </Grid>
        <Grid item xs={12}>
          <Integrations integrations={integrations} />
        </Grid>
      </Grid>
    </Box>
  );
};
