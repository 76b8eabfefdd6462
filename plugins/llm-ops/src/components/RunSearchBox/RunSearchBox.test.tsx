import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RunSearchBox } from './RunSearchBox';

describe('RunSearchBox', () => {
  it('sends the trimmed filter on Enter', async () => {
    const onSearch = jest.fn();
    render(<RunSearchBox value="" onSearch={onSearch} />);
    await userEvent.type(
      screen.getByLabelText('Run filter'),
      '  metrics.acc > 0.9 {enter}',
    );
    expect(onSearch).toHaveBeenCalledWith('metrics.acc > 0.9');
  });

  it('shows the message of a rejected filter under the box', () => {
    render(
      <RunSearchBox
        value="metrics.acc >"
        onSearch={jest.fn()}
        error="Invalid filter at position 14: expected a value"
      />,
    );
    expect(screen.getByTestId('llm-ops-run-search-error')).toHaveTextContent(
      'Invalid filter at position 14: expected a value',
    );
    expect(screen.getByLabelText('Run filter')).toHaveAttribute(
      'aria-invalid',
      'true',
    );
  });
});
