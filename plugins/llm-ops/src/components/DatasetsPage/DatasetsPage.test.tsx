import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import { fakeApi, makeDataset, page } from '../../__testUtils__/fixtures';
import { datasetsRouteRef } from '../../routes';
import { DatasetsPage } from './DatasetsPage';

const render = (api: LlmOpsApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <DatasetsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/datasets': datasetsRouteRef } },
  );

describe('DatasetsPage', () => {
  it('explains an empty list', async () => {
    await render(fakeApi());
    expect(await screen.findByText('No datasets yet')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        listDatasets: async () => {
          throw new Error('boom');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      'boom',
    );
  });

  it('lists datasets with their latest version', async () => {
    await render(
      fakeApi({
        listDatasets: async () =>
          page([makeDataset('corpus', { latestVersion: '2024-06' })]),
      }),
    );
    const grid = within(await screen.findByTestId('llm-ops-grid-datasets'));
    expect(await grid.findByText('2024-06')).toBeInTheDocument();
    expect(grid.getByText('corpus').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/datasets/corpus',
    );
  });
});
