import { screen } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import {
  fakeApi,
  makeEndpoint,
  makeExperiment,
  makeModel,
  makeRun,
  page,
} from '../../__testUtils__/fixtures';
import { EntityLlmOpsCard } from './EntityLlmOpsCard';
import { EntityLlmOpsContent } from './EntityLlmOpsContent';

const entity = (kind: string, id?: string): Entity => ({
  apiVersion: 'llm-ops.io/v1alpha1',
  kind,
  metadata: {
    name: 'asset',
    annotations: id ? { 'llm-ops.io/id': id } : {},
  },
  spec: {},
});

const render = (api: LlmOpsApi, e: Entity, element: JSX.Element) =>
  renderInTestApp(
    <TestApiProvider apis={[[llmOpsApiRef, api]]}>
      <EntityProvider entity={e}>{element}</EntityProvider>
    </TestApiProvider>,
  );

describe('EntityLlmOpsCard', () => {
  it('explains a missing llm-ops.io/id annotation', async () => {
    await render(fakeApi(), entity('Model'), <EntityLlmOpsCard />);
    expect(screen.getByText('Not linked to LLM Ops')).toBeInTheDocument();
  });

  it('shows the traffic of an Endpoint entity', async () => {
    const getEndpoint = jest.fn(async () =>
      makeEndpoint('chat', {
        desired: {
          traffic: [
            {
              modelVersionId: 'm',
              modelName: 'llama',
              version: '3',
              percent: 100,
              role: 'stable',
            },
          ],
          minReplicas: 1,
          maxReplicas: 1,
        },
      }),
    );
    await render(
      fakeApi({ getEndpoint }),
      entity('Endpoint', 'uuid-chat'),
      <EntityLlmOpsCard />,
    );
    expect(
      await screen.findByTestId('llm-ops-traffic-desired'),
    ).toHaveTextContent('stable: llama v3 — 100%');
    expect(getEndpoint).toHaveBeenCalledWith('uuid-chat');
  });

  it('shows the latest runs of an Experiment entity', async () => {
    await render(
      fakeApi({
        getExperiment: async () => makeExperiment('sweep'),
        searchRuns: async () => page([makeRun('lr-0.01')]),
      }),
      entity('Experiment', 'uuid-sweep'),
      <EntityLlmOpsCard />,
    );
    expect(await screen.findByText('lr-0.01')).toBeInTheDocument();
  });

  it('shows the error when the resource cannot be read', async () => {
    await render(
      fakeApi({
        getModel: async () => {
          throw new Error("No model 'uuid'");
        },
      }),
      entity('Model', 'uuid'),
      <EntityLlmOpsCard />,
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No model 'uuid'",
    );
  });
});

describe('EntityLlmOpsContent', () => {
  it('shows the model page of a Model entity by its llm-ops id', async () => {
    const getModel = jest.fn(async () =>
      makeModel('llama', { aliases: { champion: '2' } }),
    );
    await render(
      fakeApi({ getModel }),
      entity('Model', 'uuid-llama'),
      <EntityLlmOpsContent />,
    );
    expect(await screen.findByText('champion → v2')).toBeInTheDocument();
    expect(getModel).toHaveBeenCalledWith('uuid-llama');
  });

  it('explains a missing annotation', async () => {
    await render(fakeApi(), entity('Dataset'), <EntityLlmOpsContent />);
    expect(screen.getByText('Not linked to LLM Ops')).toBeInTheDocument();
  });
});
