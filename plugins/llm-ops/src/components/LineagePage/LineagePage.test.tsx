import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { Route, Routes, useParams } from 'react-router-dom';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import { fakeApi } from '../../__testUtils__/fixtures';
import { lineageRouteRef } from '../../routes';
import { LineagePage } from './LineagePage';

const Routed = () => {
  const { type, id } = useParams();
  return <LineagePage type={type} id={id} />;
};

describe('LineagePage', () => {
  it('explains itself without a resource, and navigates to the one picked', async () => {
    const getLineage = jest.fn(async (_type: string, id: string) => ({
      root: id,
      nodes: [],
      edges: [],
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[llmOpsApiRef, fakeApi({ getLineage })]]}>
        <Routes>
          <Route path="/" element={<LineagePage />} />
          <Route path="/:type/:id" element={<Routed />} />
        </Routes>
      </TestApiProvider>,
      { mountedRoutes: { '/': lineageRouteRef } },
    );
    expect(screen.getByText(/Where data came from/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('name or id'), 'chat');
    await userEvent.click(screen.getByRole('button', { name: 'Show lineage' }));
    expect(await screen.findByText('No lineage recorded')).toBeInTheDocument();
    expect(getLineage).toHaveBeenCalledWith('endpoint', 'chat', {
      depth: undefined,
    });
  });
});
