import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import { fakeApi, makeEndpoint, page } from '../../__testUtils__/fixtures';
import { endpointsRouteRef } from '../../routes';
import { EndpointsPage } from './EndpointsPage';

const render = (api: LlmOpsApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <EndpointsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/endpoints': endpointsRouteRef } },
  );

describe('EndpointsPage', () => {
  it('explains an empty list', async () => {
    await render(fakeApi());
    expect(await screen.findByText('No endpoints yet')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        listEndpoints: async () => {
          throw new Error('boom');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      'boom',
    );
  });

  it('lists endpoints with their state and what they serve', async () => {
    await render(
      fakeApi({
        listEndpoints: async () =>
          page([
            makeEndpoint('chat', {
              desired: {
                traffic: [
                  {
                    modelVersionId: 'a',
                    modelName: 'llama',
                    version: '3',
                    percent: 90,
                    role: 'stable',
                  },
                  {
                    modelVersionId: 'b',
                    modelName: 'llama',
                    version: '4',
                    percent: 10,
                    role: 'canary',
                  },
                ],
                minReplicas: 1,
                maxReplicas: 1,
              },
            }),
          ]),
      }),
    );
    const grid = within(await screen.findByTestId('llm-ops-grid-endpoints'));
    expect(
      await grid.findByText('llama v3 90% · llama v4 10%'),
    ).toBeInTheDocument();
    expect(grid.getByText('Ready')).toBeInTheDocument();
  });
});
