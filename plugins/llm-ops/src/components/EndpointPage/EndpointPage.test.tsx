import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { llmOpsApiRef, type LlmOpsApi } from '../../api/LlmOpsApi';
import type { Endpoint, EndpointTrafficEntry } from '../../api/types';
import { fakeApi, makeEndpoint, pending } from '../../__testUtils__/fixtures';
import { EndpointPage } from './EndpointPage';

const entry = (
  version: string,
  percent: number,
  role: EndpointTrafficEntry['role'],
): EndpointTrafficEntry => ({
  modelVersionId: `mv-${version}`,
  modelName: 'llama',
  version,
  percent,
  role,
});

const withCanary = makeEndpoint('chat', {
  desired: {
    traffic: [entry('3', 90, 'stable'), entry('4', 10, 'canary')],
    minReplicas: 1,
    maxReplicas: 2,
  },
  observed: {
    state: 'Ready',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: null,
        lastTransitionTime: '2026-11-20T10:00:00.000Z',
      },
    ],
    traffic: [entry('3', 100, 'stable')],
    latestReadyRevision: 'chat-00002',
    latestRolledOutRevision: 'chat-00002',
    observedAt: '2026-11-20T10:00:00.000Z',
  },
});

function render(api: LlmOpsApi, authorize = AuthorizeResult.ALLOW) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [llmOpsApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <EndpointPage idOrName="chat" />
    </TestApiProvider>,
  );
}

describe('EndpointPage', () => {
  it('shows progress while loading', async () => {
    await render(fakeApi({ getEndpoint: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error of a missing endpoint', async () => {
    await render(
      fakeApi({
        getEndpoint: async () => {
          throw new Error("No endpoint 'chat'");
        },
      }),
    );
    expect(await screen.findByTestId('llm-ops-error')).toHaveTextContent(
      "No endpoint 'chat'",
    );
  });

  it('shows URL, conditions and the desired and observed traffic split', async () => {
    await render(fakeApi({ getEndpoint: async () => withCanary }));
    expect(await screen.findByText('http://serving/chat')).toBeInTheDocument();
    expect(screen.getByText('MinimumReplicasAvailable')).toBeInTheDocument();
    const desired = screen.getByTestId('llm-ops-traffic-desired');
    expect(desired).toHaveTextContent('stable: llama v3 — 90%');
    expect(desired).toHaveTextContent('canary: llama v4 — 10%');
    expect(screen.getByTestId('llm-ops-traffic-observed')).toHaveTextContent(
      'stable: llama v3 — 100%',
    );
  });

  it('says when nothing is served yet', async () => {
    await render(fakeApi({ getEndpoint: async () => makeEndpoint('chat') }));
    expect(
      (
        await screen.findAllByText(
          'No traffic: no model version is served yet.',
        )
      ).length,
    ).toBe(2);
  });

  it('hides promote and roll back when there is no canary', async () => {
    await render(
      fakeApi({
        getEndpoint: async () =>
          makeEndpoint('chat', {
            desired: {
              traffic: [entry('3', 100, 'stable')],
              minReplicas: 1,
              maxReplicas: 1,
            },
          }),
      }),
    );
    await screen.findByTestId('llm-ops-traffic-desired');
    await new Promise(r => setTimeout(r, 50));
    expect(
      screen.queryByRole('button', { name: /Promote canary/ }),
    ).not.toBeInTheDocument();
  });

  it('promotes the canary when allowed and shows the new split', async () => {
    const promoted: Endpoint = {
      ...withCanary,
      desired: { ...withCanary.desired, traffic: [entry('4', 100, 'stable')] },
    };
    const promoteEndpoint = jest.fn(async () => ({ resource: promoted }));
    await render(
      fakeApi({ getEndpoint: async () => withCanary, promoteEndpoint }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote canary (v4)' }),
    );
    expect(promoteEndpoint).toHaveBeenCalledWith('id-chat');
    await waitFor(() =>
      expect(screen.getByTestId('llm-ops-traffic-desired')).toHaveTextContent(
        'stable: llama v4 — 100%',
      ),
    );
    expect(
      screen.queryByRole('button', { name: /Promote canary/ }),
    ).not.toBeInTheDocument();
  });

  it('says when a rollback waits in the outbox', async () => {
    await render(
      fakeApi({
        getEndpoint: async () => withCanary,
        rollbackEndpoint: async () => ({
          resource: withCanary,
          outbox: { id: 7, state: 'pending', integration: 'kserve' },
        }),
      }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back' }),
    );
    expect(await screen.findByTestId('llm-ops-queued')).toHaveTextContent(
      'kserve is unavailable: the change waits in the outbox (#7, pending)',
    );
  });

  it('shows the error of a refused promotion', async () => {
    await render(
      fakeApi({
        getEndpoint: async () => withCanary,
        promoteEndpoint: async () => {
          throw new Error('There is no canary to promote');
        },
      }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote canary (v4)' }),
    );
    const actions = screen.getByTestId('llm-ops-canary-actions');
    expect(
      await within(actions).findByText('There is no canary to promote'),
    ).toBeInTheDocument();
  });
});
