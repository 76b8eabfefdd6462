import { screen, within } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import {
  fakeApi,
  makeEndpoint,
  makeModel,
  makeModelVersion,
  page,
  pending,
} from '../../__testUtils__/fixtures';
import { endpointsRouteRef, experimentsRouteRef } from '../../routes';
import { ModelPage } from './ModelPage';

function render(api: LlmOpsApi, version?: string) {
  return renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <ModelPage idOrName="llama" version={version} />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/llm-ops/endpoints': endpointsRouteRef,
        '/llm-ops/experiments': experimentsRouteRef,
      },
    },
  );
}

const model = makeModel('llama', {
  aliases: { champion: '1' },
  latestVersion: '2',
});

describe('ModelPage', () => {
  it('shows progress while loading', async () => {
    await render(fakeApi({ getModel: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    await render(
      fakeApi({
        getModel: async () => {
          throw new Error("No model 'llama'");
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No model 'llama'",
    );
  });

  it('says when the model has no versions', async () => {
    await render(fakeApi({ getModel: async () => makeModel('llama') }));
    expect(await screen.findByText('No versions yet')).toBeInTheDocument();
  });

  it('lists versions with aliases, source run and where each is served', async () => {
    const v1 = makeModelVersion('llama', '1', {
      aliases: ['champion'],
      sourceRunId: 'run-12345678abc',
    });
    const v2 = makeModelVersion('llama', '2');
    const chat = makeEndpoint('chat', {
      desired: {
        traffic: [
          {
            modelVersionId: v1.id,
            modelName: 'llama',
            version: '1',
            percent: 80,
            role: 'stable',
          },
          {
            modelVersionId: v2.id,
            modelName: 'llama',
            version: '2',
            percent: 20,
            role: 'canary',
          },
        ],
        minReplicas: 1,
        maxReplicas: 1,
      },
    });
    const getLineage = jest.fn(async () => ({
      root: model.id,
      nodes: [
        {
          type: 'model' as const,
          id: model.id,
          label: 'llama',
          direction: 'root' as const,
          distance: 0,
        },
        {
          type: 'endpoint' as const,
          id: chat.id,
          label: 'chat',
          direction: 'downstream' as const,
          distance: 1,
        },
      ],
      edges: [],
    }));
    await render(
      fakeApi({
        getModel: async () => model,
        listModelVersions: async () => page([v2, v1]),
        getLineage,
        getEndpoint: async () => chat,
      }),
      '1',
    );
    const versions = await screen.findByTestId('llm-ops-grid-model versions');
    expect(await within(versions).findByText('v1')).toBeInTheDocument();
    expect(within(versions).getByText('champion')).toBeInTheDocument();
    expect(within(versions).getByText('run-1234').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/experiments/runs/run-12345678abc',
    );
    const served = await within(versions).findAllByTestId('llm-ops-served-by');
    expect(served.map(s => s.textContent)).toEqual([
      'chat 20% canary',
      'chat 80% stable',
    ]);
    expect(
      within(served[1]).getByText('chat 80% stable').closest('a'),
    ).toHaveAttribute('href', '/llm-ops/endpoints/chat');
    expect(screen.getByText('champion → v1')).toBeInTheDocument();
  });
});
