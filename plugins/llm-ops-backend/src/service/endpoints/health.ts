import type {
  CacheService,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { ApiRouter } from '../types';
import { sendSuccess } from '../envelope';
import { PLUGIN_VERSION } from '../../version';

const CACHE_PROBE_TIMEOUT_MS = 1000;

export type HealthDeps = {
  database: DatabaseService;
  cache: CacheService;
  config: Config;
};

async function probeCache(cache: CacheService): Promise<boolean> {
  const key = 'health-probe';
  const value = String(Date.now());
  const roundTrip = (async () => {
    await cache.set(key, value, { ttl: 60_000 });
    return (await cache.get(key)) === value;
  })();
  const timeout = new Promise<boolean>(resolve =>
    setTimeout(() => resolve(false), CACHE_PROBE_TIMEOUT_MS).unref(),
  );
  return Promise.race([roundTrip.catch(() => false), timeout]);
}

/**
 * GET /v1/health: the plugin's version, the database client in use and whether the cache store
 * answers. Public, so that load balancers and scripts can call it without a token.
 */
export function bindHealthEndpoint(router: ApiRouter, deps: HealthDeps) {
  router.get('/v1/health', async (_req, res) => {
    const knex = await deps.database.getClient();
    await knex.raw('select 1');
    const client = String(knex.client.config.client);
    const cacheOk = await probeCache(deps.cache);
    sendSuccess(
      res,
      {
        plugin: 'llm-ops',
        version: PLUGIN_VERSION,
        database: { client: client as 'pg' },
        cache: {
          store:
            deps.config.getOptionalString('backend.cache.store') ?? 'memory',
          ok: cacheOk,
        },
      },
      'llm-ops is up',
    );
  });
}
