// In a file of its own: usePermission caches decisions per permission for the module's lifetime,
// so a denied decision cannot share a test file with allowed ones.
import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import { fakeApi, makeEndpoint } from '../../__testUtils__/fixtures';
import { EndpointPage } from './EndpointPage';

const withCanary = makeEndpoint('chat', {
  desired: {
    traffic: [
      {
        modelVersionId: 'a',
        modelName: 'llama',
        version: '3',
        percent: 90,
        role: 'stable',
      },
      {
        modelVersionId: 'b',
        modelName: 'llama',
        version: '4',
        percent: 10,
        role: 'canary',
      },
    ],
    minReplicas: 1,
    maxReplicas: 1,
  },
});

describe('CanaryActions', () => {
  it('are hidden without the llm-ops.endpoint.promote permission on the endpoint', async () => {
    const authorize = jest.fn(() => AuthorizeResult.DENY);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [llmOpsApiRef, fakeApi({ getEndpoint: async () => withCanary })],
          [permissionApiRef, mockApis.permission({ authorize })],
        ]}
      >
        <EndpointPage idOrName="chat" />
      </TestApiProvider>,
    );
    expect(
      await screen.findByTestId('llm-ops-traffic-desired'),
    ).toHaveTextContent('canary: llama v4 — 10%');
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'llm-ops.endpoint.promote',
        }),
        // Asked on this endpoint, so that a policy can allow it to its owners only.
        resourceRef: `endpoint:${withCanary.id}`,
      }),
    );
    expect(
      screen.queryByRole('button', { name: /Promote canary/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Roll back' }),
    ).not.toBeInTheDocument();
  });
});
