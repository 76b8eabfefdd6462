import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import { fakeApi, makeModel } from '../../__testUtils__/fixtures';
import { modelsRouteRef } from '../../routes';
import { ModelsPage } from './ModelsPage';

const render = (api: LlmOpsApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <ModelsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/models': modelsRouteRef } },
  );

describe('ModelsPage', () => {
  it('explains an empty list', async () => {
    await render(fakeApi());
    expect(await screen.findByText('No models yet')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        listModels: async () => {
          throw new Error('registry unavailable');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      'registry unavailable',
    );
  });

  it('lists models with their latest version and aliases, marked stale when their tool is down', async () => {
    await render(
      fakeApi({
        listModels: async () => ({
          items: [
            makeModel('llama', {
              latestVersion: '3',
              aliases: { champion: '2' },
              source: { integration: 'mlflow' },
            }),
          ],
          nextCursor: null,
          freshness: {
            stale: true,
            degradedIntegrations: [{ id: 'mlflow', since: null }],
          },
        }),
      }),
    );
    const grid = within(await screen.findByTestId('llm-ops-grid-models'));
    expect((await grid.findByText('llama')).closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/models/llama',
    );
    expect(grid.getByText('champion → v2')).toBeInTheDocument();
    expect(grid.getByTestId('llm-ops-synced-at')).toHaveTextContent('(stale)');
    expect(screen.getByTestId('llm-ops-stale-banner')).toHaveTextContent(
      'integration mlflow is down',
    );
  });
});
