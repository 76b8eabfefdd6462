import { screen } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import {
  fakeApi,
  makePipelineRun,
  pending,
} from '../../__testUtils__/fixtures';
import { pipelinesRouteRef } from '../../routes';
import { PipelineRunPage } from './PipelineRunPage';

const render = (api: LlmOpsApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <PipelineRunPage runId="pr-1" />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/pipelines': pipelinesRouteRef } },
  );

const run = makePipelineRun('train-x7k2p', {
  phase: 'Running',
  progress: '1/2',
  source: { integration: 'argo', url: 'https://argo/workflows/ml/train-x7k2p' },
  nodes: [
    {
      id: 'a',
      name: 'prepare',
      displayName: 'prepare',
      type: 'Pod',
      phase: 'Succeeded',
      startedAt: null,
      finishedAt: null,
      message: null,
    },
    {
      id: 'b',
      name: 'train',
      displayName: 'train',
      type: 'Pod',
      phase: 'Running',
      startedAt: null,
      finishedAt: null,
      message: 'epoch 3/10',
    },
  ],
});

describe('PipelineRunPage', () => {
  it('shows progress while loading', async () => {
    await render(fakeApi({ getPipelineRun: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        getPipelineRun: async () => {
          throw new Error("No pipeline run 'pr-1'");
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No pipeline run 'pr-1'",
    );
  });

  it('shows the steps of a run, its pipeline and the Argo link', async () => {
    await render(fakeApi({ getPipelineRun: async () => run }));
    const steps = await screen.findByTestId('llm-ops-pipeline-steps');
    expect(steps).toHaveTextContent('train');
    expect(steps).toHaveTextContent('epoch 3/10');
    expect(screen.getByText('pipe').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/pipelines/pipe',
    );
    expect(
      screen.getByText('https://argo/workflows/ml/train-x7k2p'),
    ).toHaveAttribute('href', 'https://argo/workflows/ml/train-x7k2p');
  });

  it('says when no steps are reported yet', async () => {
    await render(
      fakeApi({ getPipelineRun: async () => ({ ...run, nodes: [] }) }),
    );
    expect(
      await screen.findByText('No steps reported yet'),
    ).toBeInTheDocument();
  });
});
