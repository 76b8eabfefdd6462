import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import { dateTime, duration, metricValue } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { KeyValueTable } from '../KeyValueTable';
import { LineagePanel } from '../LineagePanel';
import { LoadState } from '../LoadState';
import { MetricChart } from '../MetricChart';
import { RunStatusChip } from '../RunStatusChip';
import { Section } from '../Section';
import { SyncedAt } from '../SyncedAt';

/** /llm-ops/experiments/runs/:runId: one run, its params, metrics, curves and lineage. */
export const RunPage = ({ runId }: { runId: string }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const { value, loading, error } = useAsync(async () => {
    const run = await api.getRun(runId);
    const experiment = await api
      .getExperiment(run.experimentId)
      .catch(() => undefined);
    return { run, experiment };
  }, [api, runId]);
  const run = value?.run;
  const experiment = value?.experiment;
  const experimentHref = experiment && links.experiment(experiment.name);
  return (
    <Box p={3}>
      <LoadState loading={loading} error={error} what="the run">
        {run && (
          <>
            <Stack
              direction="row"
              spacing={2}
              alignItems="center"
              mb={2}
              flexWrap="wrap"
              useFlexGap
            >
              <Typography variant="overline" color="text.secondary">
                Run
              </Typography>
              <Typography variant="h5" component="h2">
                {run.name}
              </Typography>
              <RunStatusChip status={run.status} />
              <SyncedAt source={run.source} syncedAt={run.syncedAt} />
              {experiment && (
                <Typography variant="body2">
                  in experiment{' '}
                  {experimentHref ? (
                    <Link to={experimentHref}>{experiment.name}</Link>
                  ) : (
                    experiment.name
                  )}
                </Typography>
              )}
            </Stack>
            <Grid container spacing={2}>
              <Grid item xs={12} md={4}>
                <Section title="Attributes">
                  <KeyValueTable
                    rows={[
                      ['id', run.id],
                      ['started', dateTime(run.startTime)],
                      ['ended', dateTime(run.endTime)],
                      ['duration', duration(run.startTime, run.endTime)],
                      ['lifecycle', run.lifecycle],
                    ]}
                  />
                </Section>
                <Section title="Params">
                  <KeyValueTable
                    rows={Object.entries(run.params).sort()}
                    empty="No params logged"
                  />
                </Section>
                <Section title="Metrics (latest)">
                  <KeyValueTable
                    rows={Object.entries(run.metrics)
                      .sort()
                      .map(([k, m]) => [
                        k,
                        `${metricValue(m.value)} (step ${m.step})`,
                      ])}
                    empty="No metrics logged"
                  />
                </Section>
                <Section title="Tags">
                  <KeyValueTable
                    rows={Object.entries(run.tags).sort()}
                    empty="No tags"
                  />
                </Section>
              </Grid>
              <Grid item xs={12} md={8}>
                <Section title="Metric history">
                  <MetricChart runs={[run]} />
                </Section>
                <Section title="Lineage">
                  <LineagePanel type="run" id={run.id} />
                </Section>
              </Grid>
            </Grid>
          </>
        )}
      </LoadState>
    </Box>
  );
};
