import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import {
  fakeApi,
  makeDataset,
  makeDatasetVersion,
  page,
  pending,
} from '../../__testUtils__/fixtures';
import { experimentsRouteRef } from '../../routes';
import { DatasetPage } from './DatasetPage';

function render(api: LlmOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <DatasetPage idOrName="corpus" />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/experiments': experimentsRouteRef } },
  );
}

describe('DatasetPage', () => {
  it('shows progress while loading', async () => {
    await render(fakeApi({ getDataset: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        getDataset: async () => {
          throw new Error('not allowed');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      'not allowed',
    );
  });

  it('says when there are no versions', async () => {
    await render(fakeApi({ getDataset: async () => makeDataset('corpus') }));
    expect(await screen.findByText('No versions yet')).toBeInTheDocument();
  });

  it('shows versions with size, schema and the runs that used them', async () => {
    const version = makeDatasetVersion('corpus', '2024-06');
    await render(
      fakeApi({
        getDataset: async () => makeDataset('corpus'),
        listDatasetVersions: async () => page([version]),
        getLineage: async () => ({
          root: 'id-corpus',
          nodes: [
            {
              type: 'dataset',
              id: 'id-corpus',
              label: 'corpus',
              direction: 'root',
              distance: 0,
            },
            {
              type: 'dataset-version',
              id: version.id,
              label: 'corpus@2024-06',
              direction: 'downstream',
              distance: 1,
            },
            {
              type: 'run',
              id: 'run-1',
              label: 'lr-0.01',
              direction: 'downstream',
              distance: 1,
            },
          ],
          edges: [
            { from: 'id-corpus', to: version.id, relation: 'contains' },
            { from: version.id, to: 'run-1', relation: 'used' },
          ],
        }),
      }),
    );
    const grid = await screen.findByTestId('llm-ops-grid-dataset versions');
    expect(await within(grid).findByText('1.5 MB')).toBeInTheDocument();
    const detail = await screen.findByTestId('llm-ops-dataset-version');
    expect(detail).toHaveTextContent('corpus@2024-06');
    expect(within(detail).getByText('int64')).toBeInTheDocument();
    const usedBy = await within(detail).findByTestId('llm-ops-used-by');
    expect(within(usedBy).getByText('lr-0.01').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/experiments/runs/run-1',
    );
  });
});
