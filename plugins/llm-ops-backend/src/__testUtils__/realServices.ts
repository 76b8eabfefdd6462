import { TestCaches, TestDatabases } from '@backstage/backend-test-utils';

/**
 * The real database engines every store test runs on. `make test` starts PostgreSQL and sets
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; with LLM_OPS_REQUIRE_REAL_SERVICES=1
 * (set by `make test`) a missing server fails the run instead of silently skipping.
 */
export function createTestDatabases(): TestDatabases {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15', 'SQLITE_3'],
    disableDocker: true,
  });
  if (
    process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1' &&
    !databases.supports('POSTGRES_15')
  ) {
    throw new Error(
      'PostgreSQL is required but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set; run the tests through `make test`',
    );
  }
  return databases;
}

/** Like createTestDatabases, for the cache store (Redis 7 from `make test`). */
export function createTestCaches(): TestCaches {
  const caches = TestCaches.create({ ids: ['REDIS_7'], disableDocker: true });
  if (
    process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1' &&
    !caches.supports('REDIS_7')
  ) {
    throw new Error(
      'Redis is required but BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING is not set; run the tests through `make test`',
    );
  }
  return caches;
}
