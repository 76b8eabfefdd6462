import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { modelsRouteRef } from '../../routes';
import { TrafficSplit } from './TrafficSplit';

describe('TrafficSplit', () => {
  it('shows each share and links the model version', async () => {
    await renderInTestApp(
      <TrafficSplit
        label="Desired"
        traffic={[
          {
            modelVersionId: 'a',
            modelName: 'llama',
            version: '3',
            percent: 75,
            role: 'stable',
          },
          {
            modelVersionId: 'b',
            modelName: 'llama',
            version: '4',
            percent: 25,
            role: 'canary',
          },
        ]}
      />,
      { mountedRoutes: { '/llm-ops/models': modelsRouteRef } },
    );
    const entries = screen.getAllByTestId('llm-ops-traffic-entry');
    expect(entries.map(e => e.textContent)).toEqual([
      'stable: llama v3 — 75%',
      'canary: llama v4 — 25%',
    ]);
    expect(screen.getByText('llama v4').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/models/llama?version=4',
    );
  });

  it('says when nothing is served', async () => {
    await renderInTestApp(<TrafficSplit label="Observed" traffic={[]} />);
    expect(
      screen.getByText('No traffic: no model version is served yet.'),
    ).toBeInTheDocument();
  });
});
