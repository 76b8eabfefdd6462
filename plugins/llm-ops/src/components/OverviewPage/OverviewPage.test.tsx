import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import {
  fakeApi,
  makeEndpoint,
  makeExperiment,
  makeIntegration,
  makeRun,
  page,
  pending,
} from '../../__testUtils__/fixtures';
import { experimentsRouteRef, endpointsRouteRef } from '../../routes';
import { OverviewPage } from './OverviewPage';

const health = async () => ({
  plugin: 'llm-ops',
  version: '1.2.3',
  database: { client: 'pg' },
  cache: { store: 'redis', ok: true },
});

function render(api: LlmOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <OverviewPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/llm-ops/experiments': experimentsRouteRef,
        '/llm-ops/endpoints': endpointsRouteRef,
      },
    },
  );
}

describe('OverviewPage', () => {
  it('shows progress while the lists load', async () => {
    await render(
      fakeApi({
        getHealth: pending,
        listExperiments: pending,
        listIntegrations: pending,
        listEndpoints: pending,
      }),
    );
    expect(screen.getAllByTestId('progress').length).toBeGreaterThan(0);
  });

  it('counts each list and says "50+" when there are more pages', async () => {
    const experiments = Array.from({ length: 50 }, (_, i) =>
      makeExperiment(`e${i}`),
    );
    await render(
      fakeApi({
        getHealth: health,
        listExperiments: async query =>
          query?.orderBy ? page([]) : page(experiments, 'next'),
        listModels: async () => page([]),
      }),
    );
    expect(
      await screen.findByTestId('llm-ops-count-experiments'),
    ).toHaveTextContent('50+Experiments');
    expect(screen.getByTestId('llm-ops-count-models')).toHaveTextContent(
      '0Models',
    );
    expect(
      screen.getByTestId('llm-ops-count-experiments').querySelector('a'),
    ).toHaveAttribute('href', '/llm-ops/experiments');
  });

  it('shows the recent runs across recent experiments and recent deployments', async () => {
    const searchRuns = jest.fn(async () =>
      page([makeRun('lr-0.01', { experimentId: 'id-sweep' })]),
    );
    await render(
      fakeApi({
        getHealth: health,
        listExperiments: async () => page([makeExperiment('sweep')]),
        searchRuns,
        listEndpoints: async () =>
          page([
            makeEndpoint('chat', {
              desired: {
                traffic: [
                  {
                    modelVersionId: 'mv',
                    modelName: 'llama',
                    version: '3',
                    percent: 100,
                    role: 'stable',
                  },
                ],
                minReplicas: 1,
                maxReplicas: 1,
              },
            }),
          ]),
      }),
    );
    const runs = await screen.findByTestId('llm-ops-recent-runs');
    expect(await within(runs).findByText('lr-0.01')).toBeInTheDocument();
    expect(within(runs).getByText('sweep')).toBeInTheDocument();
    expect(searchRuns).toHaveBeenCalledWith(
      expect.objectContaining({
        experimentIds: ['id-sweep'],
        orderBy: ['attributes.start_time DESC'],
      }),
    );
    const deployments = screen.getByTestId('llm-ops-recent-deployments');
    expect(
      await within(deployments).findByText('llama v3 100%'),
    ).toBeInTheDocument();
  });

  it('says when there is nothing yet', async () => {
    await render(fakeApi({ getHealth: health }));
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(screen.getByText('No endpoints yet')).toBeInTheDocument();
    expect(screen.getByText('No integrations configured')).toBeInTheDocument();
  });

  it('shows the health of each integration and the stale banner', async () => {
    const since = new Date(Date.now() - 10 * 60_000).toISOString();
    await render(
      fakeApi({
        getHealth: health,
        listIntegrations: async () => ({
          items: [
            makeIntegration('builtin'),
            makeIntegration('mlflow', {
              state: 'down',
              since,
              outboxDepth: 3,
              lastError: 'connect ECONNREFUSED',
            }),
          ],
        }),
        listExperiments: async () => ({
          items: [],
          nextCursor: null,
          freshness: {
            stale: true,
            degradedIntegrations: [{ id: 'mlflow', since }],
          },
        }),
      }),
    );
    const mlflow = await screen.findByTestId('llm-ops-integration-mlflow');
    expect(mlflow).toHaveTextContent('down');
    expect(mlflow).toHaveTextContent('3 queued');
    expect(mlflow).toHaveTextContent('10 minutes ago');
    expect(await screen.findByTestId('llm-ops-stale-banner')).toHaveTextContent(
      'Stale since 10 minutes ago (integration mlflow is down)',
    );
    expect(
      screen.getByText('mlflow: connect ECONNREFUSED'),
    ).toBeInTheDocument();
  });

  it('shows an error state when a list fails', async () => {
    await render(
      fakeApi({
        getHealth: async () => {
          throw new Error('connection refused');
        },
        listIntegrations: async () => {
          throw new Error('integrations unavailable');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-health-error')).toHaveTextContent(
      'connection refused',
    );
    expect(
      (await screen.findAllByTestId('llm-ops-error')).some(e =>
        e.textContent?.includes('integrations unavailable'),
      ),
    ).toBe(true);
  });
});
