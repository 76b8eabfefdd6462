import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import CardHeader from '@mui/material/CardHeader';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { llmOpsIdOf, type LlmOpsKind } from '../../annotations';
import { bytes, timeAgo } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { CanaryActions } from '../EndpointPage';
import { KeyValueTable } from '../KeyValueTable';
import { LoadState } from '../LoadState';
import { RunStatusChip } from '../RunStatusChip';
import { SyncedAt } from '../SyncedAt';
import { TrafficSplit } from '../TrafficSplit';
import { MissingAnnotation } from './EntityLlmOpsContent';
import { useEntitySummary, type EntitySummary } from './useEntitySummary';

const Body = ({ summary }: { summary: EntitySummary }) => {
  const links = useLinks();
  switch (summary.kind) {
    case 'experiment':
      return (
        <KeyValueTable
          label="Latest runs"
          empty="No runs yet"
          rows={summary.runs.map(run => {
            const href = links.run(run.id);
            return [
              run.name,
              <span key={run.id}>
                <RunStatusChip status={run.status} /> {timeAgo(run.startTime)}{' '}
                {href && <Link to={href}>open</Link>}
              </span>,
            ];
          })}
        />
      );
    case 'model':
      return (
        <KeyValueTable
          rows={[
            [
              'latest version',
              summary.asset.latestVersion
                ? `v${summary.asset.latestVersion}`
                : '—',
            ],
            [
              'aliases',
              Object.entries(summary.asset.aliases)
                .map(([a, v]) => `${a} → v${v}`)
                .join(', ') || '—',
            ],
          ]}
        />
      );
    case 'endpoint':
      return (
        <Stack spacing={1}>
          <KeyValueTable
            rows={[
              [
                'state',
                <RunStatusChip key="s" status={summary.asset.observed.state} />,
              ],
              ['url', summary.asset.url ?? '—'],
            ]}
          />
          <TrafficSplit
            traffic={summary.asset.desired.traffic}
            label="Desired"
          />
          <CanaryActions endpoint={summary.asset} onChange={() => {}} />
        </Stack>
      );
    case 'dataset':
      return (
        <KeyValueTable
          rows={[
            ['latest version', summary.latest?.version ?? '—'],
            ['size', bytes(summary.latest?.sizeBytes)],
            ['format', summary.latest?.format ?? '—'],
            ['uri', summary.latest?.uri ?? '—'],
          ]}
        />
      );
    case 'pipeline':
      return (
        <KeyValueTable
          label="Latest runs"
          empty="No runs yet"
          rows={summary.runs.map(run => [
            run.name,
            <span key={run.id}>
              <RunStatusChip status={run.phase} /> {run.progress ?? ''}{' '}
              {timeAgo(run.startedAt)}
            </span>,
          ])}
        />
      );
    default:
      return null;
  }
};

/** The LLM Ops card of an Experiment, Model, Endpoint, Dataset or Pipeline entity. */
export const EntityLlmOpsCard = () => {
  const { entity } = useEntity();
  const id = llmOpsIdOf(entity);
  const kind = entity.kind.toLowerCase() as LlmOpsKind;
  const { value, loading, error } = useEntitySummary(id ? kind : undefined, id);
  const links = useLinks();
  const pageHref =
    value &&
    {
      experiment: links.experiment,
      model: links.model,
      endpoint: links.endpoint,
      dataset: links.dataset,
      pipeline: links.pipeline,
    }[value.kind](value.asset.name);
  return (
    <Card variant="outlined" data-testid="llm-ops-entity-card">
      <CardHeader
        title="LLM Ops"
        subheader={
          value && (
            <SyncedAt
              source={value.asset.source}
              syncedAt={value.asset.syncedAt}
            />
          )
        }
        action={
          pageHref && (
            <Chip
              size="small"
              clickable
              component={Link}
              to={pageHref}
              label="Open in LLM Ops"
            />
          )
        }
      />
      <CardContent>
        {!id ? (
          <MissingAnnotation />
        ) : (
          <LoadState loading={loading} error={error} what={`the ${kind}`}>
            {value ? (
              <Body summary={value} />
            ) : (
              <Typography color="text.secondary">
                Unknown kind {entity.kind}
              </Typography>
            )}
          </LoadState>
        )}
      </CardContent>
    </Card>
  );
};
