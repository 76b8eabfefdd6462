import { render, screen } from '@testing-library/react';
import { RunStatusChip } from './RunStatusChip';

describe('RunStatusChip', () => {
  it.each(['FINISHED', 'Failed', 'down', 'whatever'])('labels %s', status => {
    render(<RunStatusChip status={status} />);
    expect(screen.getByTestId('llm-ops-status')).toHaveTextContent(status);
  });
});
