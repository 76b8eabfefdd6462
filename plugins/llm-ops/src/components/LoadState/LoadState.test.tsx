import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { LoadState } from './LoadState';

describe('LoadState', () => {
  it('shows a progress bar while loading', async () => {
    await renderInTestApp(<LoadState loading>content</LoadState>);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByText('content')).not.toBeInTheDocument();
  });

  it('shows the error message', async () => {
    await renderInTestApp(
      <LoadState loading={false} error={new Error('backend down')} what="x">
        content
      </LoadState>,
    );
    expect(screen.getByTestId('llm-ops-error')).toHaveTextContent(
      'backend down',
    );
  });

  it('explains an empty answer', async () => {
    await renderInTestApp(
      <LoadState loading={false} empty emptyTitle="No models yet">
        content
      </LoadState>,
    );
    expect(screen.getByText('No models yet')).toBeInTheDocument();
  });

  it('shows the content otherwise', async () => {
    await renderInTestApp(<LoadState loading={false}>content</LoadState>);
    expect(screen.getByText('content')).toBeInTheDocument();
  });
});
