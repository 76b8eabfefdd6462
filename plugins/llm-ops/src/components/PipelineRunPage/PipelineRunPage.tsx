import Box from '@mui/material/Box';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import { dateTime, duration } from '../../lib/format';
import { useLinks } from '../../lib/useLinks';
import { AssetHeader } from '../AssetHeader';
import { KeyValueTable } from '../KeyValueTable';
import { LineagePanel } from '../LineagePanel';
import { LoadState } from '../LoadState';
import { RunStatusChip } from '../RunStatusChip';
import { Section } from '../Section';

/** /llm-ops/pipelines/runs/:runId: one pipeline run, its steps and lineage. */
export const PipelineRunPage = ({ runId }: { runId: string }) => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const { value, loading, error } = useAsync(
    () => api.getPipelineRun(runId),
    [api, runId],
  );
  const pipelineHref = value && links.pipeline(value.pipelineName);
  return (
    <Box p={3}>
      <LoadState loading={loading} error={error} what="the pipeline run">
        {value && (
          <>
            <AssetHeader
              kind="Pipeline run"
              name={value.name}
              source={value.source}
              syncedAt={value.syncedAt}
              lineageHref={links.lineage('pipeline-run', value.id)}
              actions={<RunStatusChip status={value.phase} />}
            />
            <Section title="Run">
              <KeyValueTable
                rows={[
                  [
                    'pipeline',
                    pipelineHref ? (
                      <Link to={pipelineHref}>{value.pipelineName}</Link>
                    ) : (
                      value.pipelineName
                    ),
                  ],
                  ['progress', value.progress ?? '—'],
                  ['started', dateTime(value.startedAt)],
                  ['finished', dateTime(value.finishedAt)],
                  ['duration', duration(value.startedAt, value.finishedAt)],
                  [
                    'argo',
                    value.source.url ? (
                      <a
                        href={value.source.url}
                        target="_blank"
                        rel="noopener noreferrer"
                      >
                        {value.source.url}
                      </a>
                    ) : (
                      '—'
                    ),
                  ],
                  ...Object.entries(value.parameters).map(
                    ([k, v]): [string, string] => [`parameter ${k}`, v],
                  ),
                ]}
              />
            </Section>
            <Section title="Steps" testId="llm-ops-pipeline-steps">
              <KeyValueTable
                label="Steps"
                rows={value.nodes.map(n => [
                  n.displayName,
                  <span key={n.id}>
                    <RunStatusChip status={n.phase} /> {n.type}
                    {n.message ? ` — ${n.message}` : ''}
                  </span>,
                ])}
                empty="No steps reported yet"
              />
            </Section>
            <Section title="Lineage">
              <LineagePanel type="pipeline-run" id={value.id} />
            </Section>
          </>
        )}
      </LoadState>
    </Box>
  );
};
