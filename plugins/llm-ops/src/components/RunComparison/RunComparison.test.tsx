import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeRun, metric } from '../../__testUtils__/fixtures';
import { RunComparison } from './RunComparison';

const runs = [
  makeRun('a', {
    params: { lr: '0.01', epochs: '3' },
    metrics: { accuracy: metric(0.91), loss: metric(0.2) },
  }),
  makeRun('b', {
    params: { lr: '0.1', epochs: '3' },
    metrics: { accuracy: metric(0.87), loss: metric(0.2) },
  }),
];

describe('RunComparison', () => {
  it('shows the runs side by side and highlights what differs', () => {
    render(<RunComparison runs={runs} />);
    const lr = screen.getByTestId('llm-ops-compare-params-lr');
    expect(lr).toHaveAttribute('data-differs', 'true');
    expect(lr).toHaveTextContent('0.01');
    expect(lr).toHaveTextContent('0.1');
    expect(screen.getByTestId('llm-ops-compare-params-epochs')).toHaveAttribute(
      'data-differs',
      'false',
    );
    expect(
      screen.getByTestId('llm-ops-compare-metrics-accuracy'),
    ).toHaveAttribute('data-differs', 'true');
    expect(screen.getByTestId('llm-ops-compare-metrics-loss')).toHaveAttribute(
      'data-differs',
      'false',
    );
  });

  it('can hide the rows that are the same', async () => {
    render(<RunComparison runs={runs} />);
    await userEvent.click(screen.getByLabelText('Only differences'));
    expect(
      screen.queryByTestId('llm-ops-compare-params-epochs'),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId('llm-ops-compare-params-lr')).toBeInTheDocument();
  });
});
