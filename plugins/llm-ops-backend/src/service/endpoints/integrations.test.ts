import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import { specCheckedClient } from '../../__testUtils__/specCheckedClient';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/llm-ops/v1/integrations';

describe.each(databases.eachSupportedId())(
  'integrations API on %s',
  databaseId => {
    it('lists the built-in store, up, when no tool is configured', async () => {
      const knex = await databases.init(databaseId);
      const api = specCheckedClient(await startLlmOpsBackend({ knex }));
      const res = await api.get(base);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'success' });
      expect(res.body.data.items).toEqual([
        {
          id: 'builtin',
          type: 'builtin',
          categories: [
            'experiment-tracking',
            'model-registry',
            'serving',
            'orchestration',
            'data-versioning',
          ],
          enabled: true,
          state: 'up',
          lastError: null,
          lastSuccessfulSyncAt: null,
          since: expect.any(String),
          outboxDepth: 0,
        },
      ]);
      // Also on the path of the older platform.
      const legacy = await api.get('/llm-ops/v1/integrations');
      expect(legacy.body.data.items.map((i: any) => i.id)).toEqual(['builtin']);
    });

    it('answers 403 to a denied user', async () => {
      const knex = await databases.init(databaseId);
      const denied = specCheckedClient(
        await startLlmOpsBackend({ knex, deny: true }),
      );
      const res = await denied.get(base);
      expect(res.status).toBe(403);
      expect(res.body.data.error.name).toBe('NotAllowedError');
    });
  },
);
