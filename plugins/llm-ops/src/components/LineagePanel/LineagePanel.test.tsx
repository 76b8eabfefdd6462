import { screen } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import { fakeApi, pending } from '../../__testUtils__/fixtures';
import { LineagePanel } from './LineagePanel';

const render = (api: ReturnType<typeof fakeApi>) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <LineagePanel type="endpoint" id="chat" />
    </TestApiProvider>,
  );

describe('LineagePanel', () => {
  it('shows progress while loading', async () => {
    await render(fakeApi({ getLineage: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('says when nothing is recorded', async () => {
    await render(fakeApi());
    expect(await screen.findByText('No lineage recorded')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        getLineage: async () => {
          throw new Error("No endpoint with id 'chat'");
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No endpoint with id 'chat'",
    );
  });

  it('draws the graph', async () => {
    await render(
      fakeApi({
        getLineage: async () => ({
          root: 'e',
          nodes: [
            {
              type: 'endpoint',
              id: 'e',
              label: 'chat',
              direction: 'root',
              distance: 0,
            },
            {
              type: 'model-version',
              id: 'm',
              label: 'llm v1',
              direction: 'upstream',
              distance: 1,
            },
          ],
          edges: [{ from: 'm', to: 'e', relation: 'serves' }],
        }),
      }),
    );
    expect(await screen.findAllByTestId('llm-ops-lineage-node')).toHaveLength(
      2,
    );
  });
});
