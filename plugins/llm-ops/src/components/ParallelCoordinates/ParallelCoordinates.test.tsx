import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { makeRun, metric } from '../../__testUtils__/fixtures';
import { buildAxis, ParallelCoordinates } from './ParallelCoordinates';

const runs = [
  makeRun('a', {
    params: { lr: '0.01', opt: 'adam' },
    metrics: { acc: metric(0.9) },
  }),
  makeRun('b', {
    params: { lr: '0.1', opt: 'sgd' },
    metrics: { acc: metric(0.8) },
  }),
  makeRun('c', { params: { lr: '0.05', opt: 'adam' } }),
];

describe('ParallelCoordinates', () => {
  it('scales numeric axes between their extremes', () => {
    const axis = buildAxis(runs, 'params.lr');
    expect(axis.position(runs[0])).toBe(0);
    expect(axis.position(runs[1])).toBe(1);
    expect(axis.ticks.map(t => t.label)).toEqual(['0.01', '0.1']);
  });

  // The API sends a NaN metric (MLflow logs them for a diverged loss) as null.
  it('leaves a NaN metric (null) off the axis, as a run without the metric', () => {
    const withNaN = [
      ...runs,
      makeRun('d', {
        metrics: { acc: { ...metric(0), value: null } },
      }),
    ];
    const axis = buildAxis(withNaN, 'metrics.acc');
    expect(axis.position(withNaN[3])).toBeUndefined();
    expect(axis.position(withNaN[1])).toBe(0);
    expect(axis.position(withNaN[0])).toBe(1);
    expect(axis.ticks.map(t => t.label)).toEqual(['0.8', '0.9']);
  });

  it('spreads categorical values over the axis', () => {
    const axis = buildAxis(runs, 'params.opt');
    expect(axis.ticks.map(t => t.label)).toEqual(['adam', 'sgd']);
    expect(axis.position(runs[1])).toBe(1);
  });

  it('draws one axis per column and one line per run', async () => {
    await renderInTestApp(
      <ParallelCoordinates
        runs={runs}
        axes={['params.lr', 'params.opt', 'metrics.acc']}
      />,
    );
    expect(screen.getAllByTestId('llm-ops-parallel-axis')).toHaveLength(3);
    expect(screen.getAllByTestId('llm-ops-parallel-line')).toHaveLength(3);
  });

  it('asks for two axes at least', async () => {
    await renderInTestApp(
      <ParallelCoordinates runs={runs} axes={['params.lr']} />,
    );
    expect(screen.getByTestId('llm-ops-parallel-empty')).toBeInTheDocument();
  });
});
