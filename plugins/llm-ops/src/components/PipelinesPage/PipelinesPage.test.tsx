import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import { fakeApi, makePipeline, page } from '../../__testUtils__/fixtures';
import { pipelinesRouteRef } from '../../routes';
import { PipelinesPage } from './PipelinesPage';

const render = (api: LlmOpsApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <PipelinesPage />
    </TestApiProvider>,
    { mountedRoutes: { '/llm-ops/pipelines': pipelinesRouteRef } },
  );

describe('PipelinesPage', () => {
  it('explains an empty list', async () => {
    await render(fakeApi());
    expect(await screen.findByText('No pipelines yet')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        listPipelines: async () => {
          throw new Error('boom');
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      'boom',
    );
  });

  it('lists pipelines with their runtime and template', async () => {
    await render(
      fakeApi({
        listPipelines: async () =>
          page([
            makePipeline('train', {
              runtime: 'argo',
              templateRef: { kind: 'WorkflowTemplate', name: 'train' },
            }),
          ]),
      }),
    );
    const grid = within(await screen.findByTestId('llm-ops-grid-pipelines'));
    expect(await grid.findByText('WorkflowTemplate/train')).toBeInTheDocument();
    expect(grid.getByText('argo')).toBeInTheDocument();
  });
});
