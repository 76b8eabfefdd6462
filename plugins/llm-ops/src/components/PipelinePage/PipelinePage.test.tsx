import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import {
  fakeApi,
  makePipeline,
  makePipelineRun,
  page,
  pending,
} from '../../__testUtils__/fixtures';
import { pipelinesRouteRef } from '../../routes';
import { PipelinePage } from './PipelinePage';

const render = (api: LlmOpsApi, element = <PipelinePage idOrName="train" />) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>{element}</TestApiProvider>,
    { mountedRoutes: { '/llm-ops/pipelines': pipelinesRouteRef } },
  );

const run = makePipelineRun('train-x7k2p', {
  phase: 'Running',
  progress: '1/3',
  source: { integration: 'argo', url: 'https://argo/workflows/ml/train-x7k2p' },
  nodes: [
    {
      id: 'a',
      name: 'prepare',
      displayName: 'prepare',
      type: 'Pod',
      phase: 'Succeeded',
      startedAt: null,
      finishedAt: null,
      message: null,
    },
    {
      id: 'b',
      name: 'train',
      displayName: 'train',
      type: 'Pod',
      phase: 'Running',
      startedAt: null,
      finishedAt: null,
      message: 'epoch 3/10',
    },
  ],
});

describe('PipelinePage', () => {
  it('shows progress while loading', async () => {
    await render(fakeApi({ getPipeline: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        getPipeline: async () => {
          throw new Error("No pipeline 'train'");
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No pipeline 'train'",
    );
  });

  it('says when there are no runs', async () => {
    await render(fakeApi({ getPipeline: async () => makePipeline('train') }));
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
  });

  it('lists runs with phase, step status and a link to Argo', async () => {
    const listPipelineRuns = jest.fn(async () => page([run]));
    await render(
      fakeApi({
        getPipeline: async () =>
          makePipeline('train', {
            runtime: 'argo',
            templateRef: { kind: 'WorkflowTemplate', name: 'train' },
          }),
        listPipelineRuns,
      }),
    );
    const grid = await screen.findByTestId('llm-ops-grid-pipeline runs');
    expect(await within(grid).findByText('train-x7k2p')).toBeInTheDocument();
    expect(within(grid).getByText('Running')).toBeInTheDocument();
    expect(within(grid).getByTestId('llm-ops-node-phases')).toHaveTextContent(
      '1 Succeeded1 Running',
    );
    expect(within(grid).getByText('open')).toHaveAttribute(
      'href',
      'https://argo/workflows/ml/train-x7k2p',
    );
    expect(screen.getByText('WorkflowTemplate/train')).toBeInTheDocument();
  });
});
