import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/realServices';
import { llmOpsAssetConditions as c } from './conditionExports';
import { parseAssetRef } from './registerAssetPermissions';
import { startWithPolicy } from './__testUtils__/startWithPolicy';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const applyConditions =
  '/api/llm-ops/.well-known/backstage/permissions/apply-conditions';

describe('parseAssetRef', () => {
  it('reads <kind>:<id or name> and nothing else', () => {
    expect(parseAssetRef('model:churn:v2')).toEqual({
      kind: 'model',
      idOrName: 'churn:v2',
    });
    expect(parseAssetRef('run:abc')).toBeUndefined();
    expect(parseAssetRef('model:')).toBeUndefined();
    expect(parseAssetRef('churn')).toBeUndefined();
  });
});

describe.each(databases.eachSupportedId())(
  'the llm-ops-asset resource type in the permissions registry on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const server = await startWithPolicy({
        knex,
        policy: { handle: async () => ({ result: AuthorizeResult.ALLOW }) },
      });
      const api = (method: 'get' | 'post', path: string) =>
        request(server)
          [method](path)
          .set('Authorization', mockCredentials.service.header());
      return { server, api };
    }

    it('publishes its rules and resource permissions', async () => {
      const { api } = await setup();
      const res = await api(
        'get',
        '/api/llm-ops/.well-known/backstage/permissions/metadata',
      );
      expect(res.status).toBe(200);
      expect(res.body.rules.map((r: any) => r.name).sort()).toEqual([
        'HAS_TAG',
        'IS_KIND',
        'IS_OWNER',
      ]);
      expect(
        res.body.rules.every((r: any) => r.resourceType === 'llm-ops-asset'),
      ).toBe(true);
      expect(res.body.permissions).toContainEqual({
        type: 'resource',
        name: 'llm-ops.model.read',
        attributes: { action: 'read' },
        resourceType: 'llm-ops-asset',
      });
      // Deploy and promote act on one endpoint: a policy may put conditions on them.
      expect(res.body.permissions).toContainEqual({
        type: 'resource',
        name: 'llm-ops.endpoint.promote',
        attributes: { action: 'update' },
        resourceType: 'llm-ops-asset',
      });
      // The basic ones that plugin.ts registers are there too.
      expect(res.body.permissions.map((p: any) => p.name)).toContain(
        'llm-ops.model.create',
      );
    });

    it('loads assets by ref and applies the conditions to them', async () => {
      const { api } = await setup();
      const created = await api('post', '/api/llm-ops/v1/models').send({
        name: 'churn',
        owner: 'group:default/ml',
        tags: { stage: 'prod' },
      });
      expect(created.status).toBe(201);
      const id = created.body.data.id;
      await api('post', '/api/llm-ops/v1/datasets').send({
        name: 'churn',
        owner: 'group:default/data',
      });

      const res = await api('post', applyConditions).send({
        items: [
          {
            id: 'owner',
            resourceType: 'llm-ops-asset',
            resourceRef: [
              `model:${id}`,
              'model:churn',
              'dataset:churn',
              'model:missing',
              'run:churn',
            ],
            conditions: c.isOwner({ claims: ['group:default/ML'] }),
          },
          {
            id: 'tag',
            resourceType: 'llm-ops-asset',
            resourceRef: 'model:churn',
            conditions: {
              allOf: [
                c.hasTag({ key: 'stage', value: 'prod' }),
                { not: c.isKind({ kinds: ['dataset'] }) },
              ],
            },
          },
          {
            id: 'wrong tag',
            resourceType: 'llm-ops-asset',
            resourceRef: 'model:churn',
            conditions: c.hasTag({ key: 'stage', value: 'dev' }),
          },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        // Missing assets and refs of other kinds are denied, never an error.
        { id: 'owner', result: ['ALLOW', 'ALLOW', 'DENY', 'DENY', 'DENY'] },
        { id: 'tag', result: 'ALLOW' },
        { id: 'wrong tag', result: 'DENY' },
      ]);
    });

    it('refuses conditions with bad parameters and direct user calls', async () => {
      const { server, api } = await setup();
      await api('post', '/api/llm-ops/v1/models').send({ name: 'x' });
      const bad = await api('post', applyConditions).send({
        items: [
          {
            id: '1',
            resourceType: 'llm-ops-asset',
            resourceRef: 'model:x',
            conditions: {
              rule: 'IS_OWNER',
              resourceType: 'llm-ops-asset',
              params: { claims: 'not-a-list' },
            },
          },
        ],
      });
      expect(bad.status).toBe(400);
      const user = await request(server)
        .post(applyConditions)
        .set('Authorization', mockCredentials.user.header())
        .send({ items: [] });
      expect(user.status).toBe(403);
    });
  },
);
