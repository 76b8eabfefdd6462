import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import request from 'supertest';
import KeyvRedis from '@keyv/redis';
import { llmOpsPlugin } from './plugin';
import { createTestCaches } from './__testUtils__/realServices';

jest.setTimeout(60_000);

const caches = createTestCaches();

// Without a Redis (outside `make test`) there is nothing to run against: skip, don't error.
const cacheIds = caches.eachSupportedId();
const describeEachCache =
  cacheIds.length > 0
    ? describe.each(cacheIds)
    : describe.skip.each([['REDIS_7' as const]]);

describeEachCache('llm-ops plugin with the %s cache store', cacheId => {
  it('reports the real cache store as reachable and writes through it', async () => {
    const { store, connection } = await caches.init(cacheId);
    const redis = new KeyvRedis(connection);
    // A single-node client; the union type also admits a cluster client, which lacks these.
    const client = (await redis.getClient()) as unknown as {
      flushDb(): Promise<unknown>;
      keys(pattern: string): Promise<string[]>;
    };
    await client.flushDb();
    const { server } = await startTestBackend({
      features: [
        llmOpsPlugin,
        cacheServiceFactory,
        mockServices.rootConfig.factory({
          data: { backend: { cache: { store, connection } } },
        }),
      ],
    });

    const res = await request(server).get('/api/llm-ops/v1/health');

    expect(res.status).toBe(200);
    expect(res.body.data.cache).toEqual({ store: 'redis', ok: true });
    // The probe really went through Redis: the key is there, namespaced by the plugin id.
    // The probe really went through Redis, in the plugin's namespace (Backstage encodes the key).
    try {
      const keys = await client.keys('llm-ops:*');
      expect(keys).toHaveLength(1);
    } finally {
      await redis.disconnect();
    }
  });

  it('reports the cache as not ok when the store does not answer', async () => {
    const { server } = await startTestBackend({
      features: [
        llmOpsPlugin,
        cacheServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              cache: { store: 'redis', connection: 'redis://127.0.0.1:1' },
            },
          },
        }),
      ],
    });
    const res = await request(server).get('/api/llm-ops/v1/health');
    expect(res.status).toBe(200);
    expect(res.body.data.cache).toEqual({ store: 'redis', ok: false });
  });
});
