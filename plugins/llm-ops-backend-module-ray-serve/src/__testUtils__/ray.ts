import { RayDashboardClient } from '../client/RayDashboardClient';
import { RAY_SERVE_DEFAULTS, type RayServeClusterConfig } from '../config';

/*
 * The tests that run against a real Ray cluster: `scripts/services/ray.sh start` prints the URL
 * of its dashboard, which goes into LLM_OPS_TEST_RAY_URL. Without it they are skipped, unless
 * LLM_OPS_REQUIRE_REAL_SERVICES=1 makes that an error.
 */
export const rayUrl = process.env.LLM_OPS_TEST_RAY_URL;
if (!rayUrl && process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1') {
  throw new Error(
    'A real Ray cluster is required but LLM_OPS_TEST_RAY_URL is not set; run ' +
      '`export LLM_OPS_TEST_RAY_URL=$(scripts/services/ray.sh start)` from the repository root first',
  );
}
export const describeWithRay = rayUrl ? describe : describe.skip;

/**
 * The test cluster's entry: the test application `scripts/services/ray_apps/llm_ops_echo.py` is
 * on the workers' PYTHONPATH, so the model format `llm_ops_echo` imports `llm_ops_echo:build`.
 * Serve's proxy goes to the port after the dashboard's, as `ray.sh` reserves it, unless
 * LLM_OPS_TEST_RAY_SERVE_PORT says otherwise (and unless Serve already runs there: then it
 * keeps its own, and the adapter reads it from Serve).
 */
export function testCluster(
  extra: Partial<RayServeClusterConfig> = {},
): RayServeClusterConfig {
  const servePort = Number(
    process.env.LLM_OPS_TEST_RAY_SERVE_PORT ??
      Number(new URL(rayUrl!).port) + 1,
  );
  return {
    name: 'test',
    dashboardUrl: rayUrl!,
    importPath: '{modelFormat}:build',
    deploymentName: RAY_SERVE_DEFAULTS.deploymentName,
    numCpus: 0.1,
    watchIntervalMs: 500,
    httpOptions: { host: '127.0.0.1', port: servePort },
    ...extra,
  };
}

/** Application names unique to this run: engineers share one Ray head. */
export function uniqueName(label: string): string {
  const suffix = `${Date.now().toString(36)}${Math.random()
    .toString(36)
    .slice(2, 6)}`;
  return `t-${label}-${suffix}`;
}

/** Polls `probe` until `done` holds for its value; fails with the last value after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      lastError = undefined;
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${
      lastError ? String(lastError) : JSON.stringify(last)?.slice(0, 2000)
    }`,
  );
}

/** The raw Serve state, straight from the REST API (not through the adapter). */
export async function serveDetails(): Promise<any> {
  return new RayDashboardClient({
    cluster: { name: 'test', dashboardUrl: rayUrl! },
  }).getServeInstance();
}
