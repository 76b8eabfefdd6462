import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  scaffolderActionsExtensionPoint,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import {
  actionContext,
  apiClient,
  createTestDatabases,
  seedModel,
  uniqueName,
  type Knex,
} from './__testUtils__/llmOpsBackend';
import { scaffolderModuleLlmOps } from './module';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/**
 * The module in a backend next to the real llm-ops plugin: the actions get the backend's own
 * discovery and auth, as in production. `denied` permission names are refused.
 */
async function startWithModule(knex: Knex, denied: string[] = []) {
  const actions: TemplateAction<any, any, any>[] = [];
  // llm-ops asks basic permissions with authorize and resource permissions (without a resource)
  // with authorizeConditional; both answer the same definitive decision here.
  const decide = async (requests: Array<{ permission: { name: string } }>) =>
    requests.map(r => ({
      result: denied.includes(r.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    }));
  const permissions = mockServices.permissions.mock({
    authorize: jest.fn(decide) as any,
    authorizeConditional: jest.fn(decide) as any,
  });
  const backend = await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        {
          addActions: (...added: TemplateAction<any, any, any>[]) =>
            actions.push(...added),
        },
      ],
    ],
    features: [
      llmOpsPlugin,
      scaffolderModuleLlmOps,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory(),
      permissions.factory,
    ],
  });
  const action = (id: string) => actions.find(a => a.id === id)!;
  return { actions, action, permissions, api: apiClient(backend.server) };
}

describe.each(databases.eachSupportedId())(
  'scaffolderModuleLlmOps in a backend with the llm-ops plugin on %s',
  databaseId => {
    it('registers every llm-ops action, each with examples and dry-run support', async () => {
      const { actions } = await startWithModule(
        await databases.init(databaseId),
      );
      expect(actions.map(a => a.id).sort()).toEqual([
        'llm-ops:dataset:register',
        'llm-ops:endpoint:deploy',
        'llm-ops:endpoint:promote',
        'llm-ops:endpoint:rollback',
        'llm-ops:experiment:create',
        'llm-ops:model:register',
        'llm-ops:pipeline:submit',
      ]);
      for (const action of actions) {
        expect(action.supportsDryRun).toBe(true);
        expect(action.examples?.length).toBeGreaterThan(0);
        expect(action.schema?.input).toMatchObject({ type: 'object' });
        expect(action.schema?.output).toMatchObject({ type: 'object' });
      }
    });

    it('acts as the initiator: llm-ops checks the permission for that user', async () => {
      const { action, permissions, api } = await startWithModule(
        await databases.init(databaseId),
      );
      const name = uniqueName('exp');
      const { ctx, outputs } = actionContext(
        { name },
        { credentials: mockCredentials.user('user:default/alice') },
      );
      await action('llm-ops:experiment:create').handler(ctx);
      expect(outputs.experimentId).toBe(
        (await api.get(`/v1/experiments/${name}`)).id,
      );
      const checks = [
        ...(permissions.authorize as jest.Mock).mock.calls,
        ...(permissions.authorizeConditional as jest.Mock).mock.calls,
      ];
      expect(checks).toContainEqual([
        [
          {
            permission: expect.objectContaining({
              name: 'llm-ops.experiment.create',
            }),
          },
        ],
        {
          credentials: expect.objectContaining({
            principal: expect.objectContaining({
              type: 'user',
              userEntityRef: 'user:default/alice',
            }),
          }),
        },
      ]);
    });

    it('fails with NotAllowedError and changes nothing when the user may not deploy', async () => {
      const { action, api } = await startWithModule(
        await databases.init(databaseId),
        ['llm-ops.endpoint.deploy'],
      );
      const model = uniqueName('bot');
      const { versions } = await seedModel(api, model, 2);
      const endpoint = uniqueName('ep');
      await api.post('/v1/endpoints', {
        name: endpoint,
        runtime: 'builtin',
        modelVersionId: versions[0].id,
      });
      const before = await api.get(`/v1/endpoints/${endpoint}`);
      const { ctx } = actionContext({
        model,
        version: '2',
        endpoint,
        runtime: 'builtin',
      });
      await expect(
        action('llm-ops:endpoint:deploy').handler(ctx),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('llm-ops.endpoint.deploy'),
      });
      expect(await api.get(`/v1/endpoints/${endpoint}`)).toEqual(before);
    });
  },
);
