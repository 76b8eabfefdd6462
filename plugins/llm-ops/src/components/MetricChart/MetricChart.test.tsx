import { screen } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import { fakeApi, makeRun } from '../../__testUtils__/fixtures';
import { MetricChart, overlay } from './MetricChart';

describe('overlay', () => {
  it('puts runs with different steps on one x axis, null where a run has no point', () => {
    const { steps, series } = overlay(
      [
        {
          runId: 'a',
          key: 'loss',
          points: [
            { step: 0, timestamp: 0, value: 1 },
            { step: 10, timestamp: 1, value: 0.5 },
          ],
          nextCursor: null,
          downsampled: false,
        },
        {
          runId: 'b',
          key: 'loss',
          points: [{ step: 5, timestamp: 0, value: 0.8 }],
          nextCursor: null,
          downsampled: false,
        },
      ],
      new Map([['a', 'run a']]),
    );
    expect(steps).toEqual([0, 5, 10]);
    expect(series.map(s => [s.label, s.data])).toEqual([
      ['run a', [1, null, 0.5]],
      ['b', [null, 0.8, null]],
    ]);
  });
});

describe('MetricChart', () => {
  it('says when the runs have no metrics', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[llmOpsApiRef, fakeApi()]]}>
        <MetricChart runs={[makeRun('a')]} />
      </TestApiProvider>,
    );
    expect(screen.getByText('No metrics logged')).toBeInTheDocument();
  });

  it('shows the error of the history', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            llmOpsApiRef,
            fakeApi({
              getMetricHistory: async () => {
                throw new Error('history unavailable');
              },
            }),
          ],
        ]}
      >
        <MetricChart
          runs={[
            makeRun('a', {
              metrics: { loss: { value: 1, step: 1, timestamp: 1 } },
            }),
          ]}
        />
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      'history unavailable',
    );
  });
});
