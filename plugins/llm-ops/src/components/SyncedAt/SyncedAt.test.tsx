import { render, screen } from '@testing-library/react';
import { SyncedAt } from './SyncedAt';

describe('SyncedAt', () => {
  it('says where the resource comes from and when it was confirmed', () => {
    render(
      <SyncedAt
        source={{ integration: 'mlflow', url: 'http://mlflow/#/experiments/1' }}
        syncedAt={new Date(Date.now() - 2 * 3600_000).toISOString()}
      />,
    );
    const chip = screen.getByTestId('llm-ops-synced-at');
    expect(chip).toHaveTextContent('mlflow · synced 2 hours ago');
    expect(chip).toHaveAttribute('href', 'http://mlflow/#/experiments/1');
  });

  it('marks the resource stale when its integration is down', () => {
    render(
      <SyncedAt
        source={{ integration: 'mlflow' }}
        syncedAt={new Date().toISOString()}
        freshness={{
          stale: true,
          degradedIntegrations: [{ id: 'mlflow', since: null }],
        }}
      />,
    );
    expect(screen.getByTestId('llm-ops-synced-at')).toHaveTextContent(
      '(stale)',
    );
  });
});
