import { screen } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import {
  fakeApi,
  makeExperiment,
  makeRun,
  metric,
  pending,
} from '../../__testUtils__/fixtures';
import { experimentsRouteRef } from '../../routes';
import { RunPage } from './RunPage';

const render = (api: LlmOpsApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <RunPage runId="run-a" />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/experiments': experimentsRouteRef } },
  );

describe('RunPage', () => {
  it('shows progress while loading', async () => {
    await render(fakeApi({ getRun: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        getRun: async () => {
          throw new Error("No run 'run-a'");
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No run 'run-a'",
    );
  });

  it('shows params, metrics, the experiment and the metric chart', async () => {
    const getMetricHistory = jest.fn(async (runId: string, key: string) => ({
      runId,
      key,
      points: [{ step: 1, timestamp: 1, value: 0.9 }],
      nextCursor: null,
      downsampled: true,
    }));
    await render(
      fakeApi({
        getRun: async () =>
          makeRun('lr-0.01', {
            params: { lr: '0.01' },
            metrics: { accuracy: metric(0.91, 60) },
          }),
        getExperiment: async () => makeExperiment('sweep'),
        getMetricHistory,
      }),
    );
    expect(await screen.findByText('lr-0.01')).toBeInTheDocument();
    expect(screen.getByText('0.91 (step 60)')).toBeInTheDocument();
    expect(screen.getByText('sweep').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/experiments/sweep',
    );
    expect(
      await screen.findByText('downsampled on the server'),
    ).toBeInTheDocument();
    expect(getMetricHistory).toHaveBeenCalledWith('run-lr-0.01', 'accuracy', {
      maxPoints: 500,
    });
  });
});
