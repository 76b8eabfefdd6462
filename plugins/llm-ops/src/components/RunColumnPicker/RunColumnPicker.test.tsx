import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RunColumnPicker } from './RunColumnPicker';

describe('RunColumnPicker', () => {
  it('adds a column the user picks', async () => {
    const onChange = jest.fn();
    render(
      <RunColumnPicker
        options={['metrics.acc', 'params.lr']}
        value={['metrics.acc']}
        onChange={onChange}
      />,
    );
    await userEvent.click(screen.getByLabelText('Columns'));
    await userEvent.click(await screen.findByText('params.lr'));
    expect(onChange).toHaveBeenCalledWith(['metrics.acc', 'params.lr']);
  });
});
