import { render, screen } from '@testing-library/react';
import { FreshnessBanner } from './FreshnessBanner';

describe('FreshnessBanner', () => {
  it('shows nothing when the data is fresh', () => {
    const { container } = render(
      <FreshnessBanner
        freshness={{ stale: false, degradedIntegrations: [] }}
      />,
    );
    expect(container).toBeEmptyDOMElement();
  });

  it('names the integration that is down and since when', () => {
    const since = new Date(Date.now() - 5 * 60_000).toISOString();
    render(
      <FreshnessBanner
        freshness={[
          undefined,
          { stale: true, degradedIntegrations: [{ id: 'mlflow', since }] },
        ]}
      />,
    );
    expect(screen.getByTestId('llm-ops-stale-banner')).toHaveTextContent(
      'Stale since 5 minutes ago (integration mlflow is down)',
    );
  });

  it('uses the known state of the integration', () => {
    render(
      <FreshnessBanner
        freshness={{
          stale: true,
          degradedIntegrations: [{ id: 'kserve', since: null }],
        }}
        states={{ kserve: 'degraded' }}
      />,
    );
    expect(screen.getByTestId('llm-ops-stale-banner')).toHaveTextContent(
      'Possibly stale (integration kserve is degraded)',
    );
  });
});
