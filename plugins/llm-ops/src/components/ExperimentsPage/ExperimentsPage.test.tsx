import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import type { ListQuery } from '../../api/types';
import {
  fakeApi,
  makeExperiment,
  page,
  pending,
} from '../../__testUtils__/fixtures';
import { experimentsRouteRef } from '../../routes';
import { ExperimentsPage } from './ExperimentsPage';

function render(api: LlmOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <ExperimentsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/experiments': experimentsRouteRef } },
  );
}

const grid = () => within(screen.getByTestId('llm-ops-grid-experiments'));

describe('ExperimentsPage', () => {
  it('shows a loading grid first', async () => {
    await render(fakeApi({ listExperiments: pending }));
    expect(
      await screen.findByTestId('llm-ops-grid-experiments'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No experiments yet')).not.toBeInTheDocument();
  });

  it('explains an empty list', async () => {
    await render(fakeApi());
    expect(await screen.findByText('No experiments yet')).toBeInTheDocument();
  });

  it('shows the error of the list', async () => {
    await render(
      fakeApi({
        listExperiments: async () => {
          throw new Error('not allowed to read experiments');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      'not allowed to read experiments',
    );
  });

  it('links each experiment to its page', async () => {
    await render(
      fakeApi({ listExperiments: async () => page([makeExperiment('sweep')]) }),
    );
    await screen.findByTestId('llm-ops-grid-experiments');
    expect((await grid().findByText('sweep')).closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/experiments/sweep',
    );
  });

  it('pages forward with the next cursor and back with the cursor it kept', async () => {
    const listExperiments = jest.fn(async (query?: ListQuery) => {
      if (query?.cursor === 'c2') return page([makeExperiment('page-2')]);
      return page([makeExperiment('page-1')], 'c2');
    });
    await render(fakeApi({ listExperiments }));
    await screen.findByTestId('llm-ops-grid-experiments');
    await grid().findByText('page-1');
    expect(listExperiments).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: undefined, orderBy: '-updatedAt' }),
    );

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await grid().findByText('page-2');
    expect(listExperiments).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'c2' }),
    );

    await userEvent.click(
      screen.getByRole('button', { name: /previous page/i }),
    );
    await grid().findByText('page-1');
    expect(listExperiments).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: undefined }),
    );
  });

  it('sorts and searches on the server', async () => {
    const listExperiments = jest.fn(async (_query?: ListQuery) =>
      page([makeExperiment('sweep')]),
    );
    await render(fakeApi({ listExperiments }));
    await screen.findByTestId('llm-ops-grid-experiments');
    await grid().findByText('sweep');

    await userEvent.click(grid().getByRole('columnheader', { name: /Name/ }));
    await waitFor(() =>
      expect(listExperiments).toHaveBeenLastCalledWith(
        expect.objectContaining({ orderBy: 'name' }),
      ),
    );

    await userEvent.type(screen.getByRole('searchbox'), 'swe');
    await waitFor(() =>
      expect(listExperiments).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: 'swe', orderBy: 'name' }),
      ),
    );
  });
});
