import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import { LlmOpsApiError } from '../../api/LlmOpsClient';
import {
  fakeApi,
  makeExperiment,
  makeRun,
  metric,
  page,
  pending,
} from '../../__testUtils__/fixtures';
import { ExperimentPage } from './ExperimentPage';

const runs = [
  makeRun('run-a', {
    params: { lr: '0.01' },
    metrics: { accuracy: metric(0.91) },
  }),
  makeRun('run-b', {
    params: { lr: '0.1' },
    metrics: { accuracy: metric(0.87) },
  }),
];

const grid = () => within(screen.getByTestId('llm-ops-grid-runs'));
const findRun = async (name: string) => {
  await screen.findByTestId('llm-ops-grid-runs');
  return grid().findByText(name);
};

function render(api: LlmOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <ExperimentPage idOrName="exp" />
    </TestApiProvider>,
  );
}

describe('ExperimentPage', () => {
  it('shows a progress bar while the experiment loads', async () => {
    await render(fakeApi({ getExperiment: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error when the experiment cannot be read', async () => {
    await render(
      fakeApi({
        getExperiment: async () => {
          throw new LlmOpsApiError("No experiment 'exp'", 404, 'NotFoundError');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No experiment 'exp'",
    );
  });

  it('says when the experiment has no runs', async () => {
    await render(
      fakeApi({
        getExperiment: async () => makeExperiment('exp'),
        searchRuns: async () => page([]),
      }),
    );
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
  });

  it('lists the runs with their params and metrics as columns', async () => {
    await render(
      fakeApi({
        getExperiment: async () => makeExperiment('exp'),
        searchRuns: async () => page(runs),
      }),
    );
    expect(await findRun('run-a')).toBeInTheDocument();
    expect(grid().getByText('run-b')).toBeInTheDocument();
    expect(
      screen.getByRole('columnheader', { name: 'metrics.accuracy' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('columnheader', { name: 'params.lr' }),
    ).toBeInTheDocument();
  });

  it('sends the filter and shows a 400 message under the search box', async () => {
    const searchRuns = jest.fn(async (request: { filter?: string }) => {
      if (request.filter) {
        throw new LlmOpsApiError(
          'Invalid filter at position 17: expected a value but found end of filter',
          400,
          'InputError',
          'filter',
        );
      }
      return page(runs);
    });
    await render(
      fakeApi({ getExperiment: async () => makeExperiment('exp'), searchRuns }),
    );
    await findRun('run-a');
    await userEvent.type(
      screen.getByLabelText('Run filter'),
      'metrics.accuracy >{enter}',
    );
    expect(
      await screen.findByTestId('llm-ops-run-search-error'),
    ).toHaveTextContent('Invalid filter at position 17');
    expect(searchRuns).toHaveBeenLastCalledWith(
      expect.objectContaining({
        experimentIds: ['id-exp'],
        filter: 'metrics.accuracy >',
      }),
    );
    // The page itself did not fail: no error panel.
    expect(screen.queryByTestId('llm-ops-error')).not.toBeInTheDocument();
  });

  it('compares two selected runs and overlays their metric curves', async () => {
    const getMetricHistory = jest.fn(async (runId: string, key: string) => ({
      runId,
      key,
      points: [
        { step: 1, timestamp: 1, value: 0.5 },
        { step: 2, timestamp: 2, value: runId === 'run-run-a' ? 0.91 : 0.87 },
      ],
      nextCursor: null,
      downsampled: false,
    }));
    await render(
      fakeApi({
        getExperiment: async () => makeExperiment('exp'),
        searchRuns: async () => page(runs),
        getMetricHistory,
      }),
    );
    await findRun('run-a');
    const rowOf = (name: string) =>
      grid().getByText(name).closest('[role="row"]') as HTMLElement;
    await userEvent.click(within(rowOf('run-a')).getByRole('checkbox'));
    await userEvent.click(within(rowOf('run-b')).getByRole('checkbox'));

    const comparison = await screen.findByTestId('llm-ops-run-comparison');
    expect(
      within(comparison).getByTestId('llm-ops-compare-params-lr'),
    ).toHaveAttribute('data-differs', 'true');
    await waitFor(() =>
      expect(getMetricHistory).toHaveBeenCalledWith('run-run-b', 'accuracy', {
        maxPoints: 500,
      }),
    );
    expect(
      await screen.findByTestId('llm-ops-metric-chart'),
    ).toBeInTheDocument();
  });
});
