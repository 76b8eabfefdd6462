import { mockServices } from '@backstage/backend-test-utils';
import type { TrafficTarget } from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  FakeRayDashboard,
  closedPort,
  fixture,
} from '../__testUtils__/fakeRay';
import { RayServeApiError, RayServeRequestError } from '../client/errors';
import { RAY_SERVE_DEFAULTS, type RayServeClusterConfig } from '../config';
import { RayServeServingAdapter } from './RayServeServingAdapter';

// The dashboard here is a local HTTP server answering with responses recorded from a real
// Ray 2.60.0 (src/__fixtures__); RayServeServingAdapter.ray.test.ts runs against Ray itself.

const stable: TrafficTarget = {
  storageUri: 's3://models/summarizer/1',
  modelFormat: 'llm_ops_echo',
  modelVersionId: 'mv-1',
  percent: 100,
  role: 'stable',
};

function clusterAt(
  dashboardUrl: string,
  extra: Partial<RayServeClusterConfig> = {},
): RayServeClusterConfig {
  return {
    name: 'dev',
    dashboardUrl,
    importPath: '{modelFormat}:build',
    deploymentName: RAY_SERVE_DEFAULTS.deploymentName,
    numCpus: RAY_SERVE_DEFAULTS.numCpus,
    watchIntervalMs: 20,
    ...extra,
  };
}

/** `details` with one more application, deployed by llm-ops from `config`. */
function withApp(details: any, config: any, status = 'DEPLOYING') {
  const copy = structuredClone(details);
  copy.applications[config.name] = {
    name: config.name,
    route_prefix: config.route_prefix,
    status,
    message: '',
    last_deployed_time_s: 1795680910.4,
    deployed_app_config: config,
    source: 'declarative',
    deployments: {},
  };
  return copy;
}

describe('RayServeServingAdapter', () => {
  let ray: FakeRayDashboard;
  let url: string;

  beforeEach(async () => {
    ray = new FakeRayDashboard();
    url = await ray.start();
  });

  afterEach(async () => {
    await ray.stop();
  });

  describe('apply', () => {
    it('PUTs the whole set with the new application, keeps the others, and returns its state', async () => {
      const running = fixture('get-running.json');
      const adapter = new RayServeServingAdapter({
        cluster: clusterAt(url, { token: 's3cr3t' }),
      });
      ray.onGet(
        { body: running },
        // After the PUT Serve reports the new application as DEPLOYING.
        {
          body: withApp(running, {
            name: 'summarizer',
            route_prefix: '/summarizer',
            import_path: 'llm_ops_echo:build',
            args: { model_version_id: 'mv-1', managed_by: 'llm-ops' },
          }),
        },
      );

      const state = await adapter.apply({
        name: 'summarizer',
        minReplicas: 1,
        maxReplicas: 3,
        traffic: [stable],
      });

      const [put] = ray.puts;
      expect(put.path).toBe('/api/serve/applications/');
      expect(put.body).toEqual({
        proxy_location: 'EveryNode',
        http_options: running.http_options,
        grpc_options: running.grpc_options,
        applications: [
          running.applications.legacy.deployed_app_config,
          running.applications.classifier.deployed_app_config,
          {
            name: 'summarizer',
            route_prefix: '/summarizer',
            import_path: 'llm_ops_echo:build',
            args: {
              storage_uri: 's3://models/summarizer/1',
              model_format: 'llm_ops_echo',
              model_version_id: 'mv-1',
              managed_by: 'llm-ops',
            },
            deployments: [
              {
                name: 'Model',
                autoscaling_config: { min_replicas: 1, max_replicas: 3 },
                ray_actor_options: { num_cpus: 0.25 },
              },
            ],
          },
        ],
      });
      expect(state).toMatchObject({
        name: 'summarizer',
        cluster: 'dev',
        url: 'http://127.0.0.1:58266/summarizer',
        state: 'NotReady',
        conditions: [{ type: 'Ready', status: 'False', reason: 'DEPLOYING' }],
        traffic: [{ percent: 100, role: 'stable', modelVersionId: 'mv-1' }],
      });
      expect(ray.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        'GET /api/serve/applications/',
        'PUT /api/serve/applications/',
        'GET /api/serve/applications/',
      ]);
      for (const request of ray.requests) {
        expect(request.headers.authorization).toBe('Bearer s3cr3t');
        // Ray takes requests with Sec-Fetch-* headers for a browser's and refuses PUTs.
        expect(Object.keys(request.headers)).not.toContainEqual(
          expect.stringMatching(/^sec-fetch-/),
        );
      }
    });

    it('starts Serve with the configured http_options when it is not running', async () => {
      const adapter = new RayServeServingAdapter({
        cluster: clusterAt(url, {
          httpOptions: { host: '127.0.0.1', port: 58266 },
        }),
      });
      ray.onGet({ body: fixture('get-no-serve.json') });
      const state = await adapter.apply({
        name: 'summarizer',
        traffic: [stable],
      });
      expect(ray.puts[0].body).toEqual({
        http_options: { host: '127.0.0.1', port: 58266 },
        applications: [expect.objectContaining({ name: 'summarizer' })],
      });
      // Serve did not report the application yet.
      expect(state).toMatchObject({
        name: 'summarizer',
        url: null,
        state: 'NotReady',
        conditions: [{ type: 'Ready', status: 'False', reason: 'NOT_STARTED' }],
        traffic: [{ percent: 100, role: 'stable', modelVersionId: 'mv-1' }],
      });
    });

    it('replaces its own application of the same name', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray.onGet({ body: fixture('get-running.json') });
      await adapter.apply({
        name: 'classifier',
        traffic: [{ ...stable, modelVersionId: 'mv-4' }],
      });
      const apps = ray.puts[0].body.applications;
      expect(apps.map((a: any) => a.name)).toEqual(['legacy', 'classifier']);
      expect(apps[1].args.model_version_id).toBe('mv-4');
    });

    it('sends no PUT when the application already runs that config, and retries a failed one', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      const failed = fixture('get-failed.json');
      ray.onGet({ body: failed });
      const state = await adapter.apply({
        name: 'classifier',
        minReplicas: 1,
        maxReplicas: 1,
        traffic: [
          {
            ...stable,
            storageUri: 's3://models/classifier/3',
            modelVersionId: 'mv-3',
          },
        ],
      });
      expect(state).toMatchObject({ name: 'classifier', state: 'Ready' });
      expect(ray.requests.map(r => r.method)).toEqual(['GET']);

      await adapter.apply({
        name: 'broken',
        minReplicas: 1,
        maxReplicas: 1,
        traffic: [
          {
            ...stable,
            storageUri: 's3://models/broken/1',
            modelFormat: 'llm_ops_no_such_module',
            modelVersionId: 'mv-9',
          },
        ],
      });
      expect(ray.puts).toHaveLength(1);
      expect(ray.puts[0].body.applications[2]).toEqual(
        failed.applications.broken.deployed_app_config,
      );
    });

    it('refuses a canary with a 400 before sending anything', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      await expect(
        adapter.apply({
          name: 'classifier',
          traffic: [
            { ...stable, percent: 90 },
            { ...stable, modelVersionId: 'mv-2', percent: 10, role: 'canary' },
          ],
        }),
      ).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('does not support canary rollouts'),
      });
      expect(ray.requests).toEqual([]);
    });

    it('refuses (409) to replace an application llm-ops did not deploy, or to take its route', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray.onGet({ body: fixture('get-running.json') });
      await expect(
        adapter.apply({ name: 'legacy', traffic: [stable] }),
      ).rejects.toMatchObject({
        status: 409,
        message: expect.stringContaining('was not deployed by llm-ops'),
      });
      const details = fixture('get-running.json');
      details.applications.legacy.route_prefix = '/newcomer';
      ray.onGet({ body: details });
      await expect(
        adapter.apply({ name: 'newcomer', traffic: [stable] }),
      ).rejects.toMatchObject({
        status: 409,
        message: expect.stringContaining("taken by application 'legacy'"),
      });
      expect(ray.puts).toEqual([]);
    });

    it("turns Ray's 400 for an invalid config into a permanent error with status 400", async () => {
      const adapter = new RayServeServingAdapter({
        cluster: clusterAt(url, { importPath: '{modelFormat}' }),
      });
      ray.onGet({ body: fixture('get-running.json') }).onPut({
        status: 400,
        body: fixture('put-400-invalid-import-path.txt'),
      });
      const error = await adapter
        .apply({ name: 'x', traffic: [{ ...stable, modelFormat: 'nocolon' }] })
        .catch(e => e);
      expect(error).toBeInstanceOf(RayServeApiError);
      expect(error.status).toBe(400);
      expect(error.message).toContain(
        "Ray cluster 'dev': PUT /api/serve/applications/ failed with 400: 1 validation error for ServeDeploySchema",
      );
      expect(error.message).toContain('Got invalid import path "nocolon"');
      expect(error.message).not.toContain(url);
    });

    it("keeps Ray's status for other errors", async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray
        .onGet({ body: fixture('get-running.json') })
        .onPut({ status: 405, body: fixture('put-405-browser.txt') });
      await expect(
        adapter.apply({ name: 'x', traffic: [stable] }),
      ).rejects.toMatchObject({
        name: 'RayServeApiError',
        status: 405,
        serverMessage: "'PUT' method not allowed for browser traffic.",
      });
      ray.onGet({
        status: 503,
        body: 'Failed to get a response from the controller. The GCS may be down, please retry later',
      });
      await expect(
        adapter.apply({ name: 'x', traffic: [stable] }),
      ).rejects.toMatchObject({ status: 503 });
    });

    it('writes one at a time, each on top of the one before', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      const first = withApp(fixture('get-running.json'), {
        name: 'a',
        route_prefix: '/a',
        import_path: 'llm_ops_echo:build',
        args: { managed_by: 'llm-ops' },
      });
      ray.onGet(
        { body: fixture('get-running.json'), delayMs: 50 },
        { body: first },
        { body: first },
      );
      await Promise.all([
        adapter.apply({ name: 'a', traffic: [stable] }),
        adapter.apply({ name: 'b', traffic: [stable] }),
      ]);
      expect(ray.requests.map(r => r.method)).toEqual([
        'GET',
        'PUT',
        'GET',
        'GET',
        'PUT',
        'GET',
      ]);
      expect(ray.puts[1].body.applications.map((a: any) => a.name)).toEqual([
        'legacy',
        'classifier',
        'a',
        'b',
      ]);
    });

    it('refuses an endpoint of another cluster', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      await expect(
        adapter.apply({ name: 'x', cluster: 'prod', traffic: [stable] }),
      ).rejects.toMatchObject({ status: 400 });
    });
  });

  describe('remove', () => {
    it('PUTs the set without the application', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      const failed = fixture('get-failed.json');
      ray.onGet({ body: failed });
      await adapter.remove({ name: 'broken' });
      expect(ray.puts[0].body.applications).toEqual([
        failed.applications.legacy.deployed_app_config,
        failed.applications.classifier.deployed_app_config,
      ]);
    });

    it('does nothing when the application is gone or being deleted', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      const details = fixture('get-running.json');
      details.applications.classifier.status = 'DELETING';
      ray.onGet({ body: details });
      await adapter.remove({ name: 'classifier' });
      await adapter.remove({ name: 'never-deployed' });
      expect(ray.puts).toEqual([]);
    });

    it('refuses (409) to remove an application llm-ops did not deploy', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray.onGet({ body: fixture('get-running.json') });
      await expect(adapter.remove({ name: 'legacy' })).rejects.toMatchObject({
        status: 409,
      });
      expect(ray.puts).toEqual([]);
    });
  });

  describe('list', () => {
    it("lists llm-ops' applications only", async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray.onGet({ body: fixture('get-failed.json') });
      const states = await adapter.list();
      expect(
        states.map(s => [s.name, s.state, s.conditions[0].reason, s.url]),
      ).toEqual([
        ['classifier', 'Ready', 'RUNNING', 'http://127.0.0.1:58266/classifier'],
        [
          'broken',
          'NotReady',
          'DEPLOY_FAILED',
          'http://127.0.0.1:58266/broken',
        ],
      ]);
    });

    it('is empty while Serve is not running', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray.onGet({ body: fixture('get-no-serve.json') });
      await expect(adapter.list()).resolves.toEqual([]);
    });

    it('fails without a status when the dashboard cannot be reached', async () => {
      const port = await closedPort();
      const adapter = new RayServeServingAdapter({
        cluster: clusterAt(`http://127.0.0.1:${port}`),
      });
      const error = await adapter.list().catch(e => e);
      expect(error).toBeInstanceOf(RayServeRequestError);
      expect(error.status).toBeUndefined();
      expect(error.message).toBe(
        "Ray cluster 'dev': GET /api/serve/applications/ failed: ECONNREFUSED",
      );
    });

    it('fails without a status on a timeout or an answer that is not Serve JSON', async () => {
      const slow = new RayServeServingAdapter({
        cluster: clusterAt(url),
        timeoutMs: 50,
      });
      ray.onGet({ body: fixture('get-running.json'), delayMs: 1000 });
      await expect(slow.list()).rejects.toMatchObject({
        name: 'RayServeRequestError',
        timedOut: true,
        message: expect.stringContaining('timed out after 50 ms'),
      });
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray.onGet({ body: '<html>a proxy login page</html>' });
      await expect(adapter.list()).rejects.toMatchObject({
        name: 'RayServeRequestError',
        message: expect.stringContaining('not JSON'),
      });
      ray.onGet({ body: { applications: [] } });
      const error = await adapter.list().catch(e => e);
      expect(error).toBeInstanceOf(RayServeRequestError);
      expect(error).not.toHaveProperty('status');
    });
  });

  describe('checkHealth', () => {
    it('is up, degraded on a 4xx, and down without an answer', async () => {
      const adapter = new RayServeServingAdapter({ cluster: clusterAt(url) });
      ray.onGet({ body: fixture('get-running.json') });
      const up = await adapter.checkHealth();
      expect(up).toMatchObject({ state: 'up' });
      expect(up.latencyMs).toBeGreaterThanOrEqual(0);

      ray.onGet({
        status: 401,
        body: 'Unauthorized: Missing authentication token',
      });
      await expect(adapter.checkHealth()).resolves.toMatchObject({
        state: 'degraded',
        lastError: expect.stringContaining('401'),
        lastSuccessAt: up.lastSuccessAt,
      });

      await ray.stop();
      const down = await adapter.checkHealth();
      expect(down).toMatchObject({
        state: 'down',
        lastSuccessAt: up.lastSuccessAt,
      });
      expect(down.latencyMs).toBeUndefined();
    });
  });

  describe('watch', () => {
    it('reports every application, then changes and deletions, until aborted', async () => {
      const logger = mockServices.logger.mock();
      const adapter = new RayServeServingAdapter({
        cluster: clusterAt(url),
        logger,
      });
      const deploying = fixture('get-deploying.json');
      const running = fixture('get-running.json');
      const gone = fixture('get-running.json');
      delete gone.applications.classifier;
      ray.onGet(
        { body: deploying },
        { body: deploying },
        { status: 503, body: 'controller restarting' },
        { body: running },
        { body: gone },
      );
      const events: Array<[string, string, boolean]> = [];
      const controller = new AbortController();
      const watching = adapter.watch((state, deleted) => {
        events.push([state.name, state.state, deleted]);
        if (deleted) controller.abort();
      }, controller.signal);
      await watching;
      expect(events).toEqual([
        ['classifier', 'NotReady', false],
        ['classifier', 'Ready', false],
        ['classifier', 'Ready', true],
      ]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toContain('failed with 503');
    });
  });
});
