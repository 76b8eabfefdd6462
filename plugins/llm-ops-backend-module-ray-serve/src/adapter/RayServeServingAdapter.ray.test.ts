import type {
  ServedEndpointState,
  TrafficTarget,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { closedPort } from '../__testUtils__/fakeRay';
import {
  describeWithRay,
  serveDetails,
  testCluster,
  uniqueName,
  waitFor,
} from '../__testUtils__/ray';
import { RayServeApiError, RayServeRequestError } from '../client/errors';
import { RayServeServingAdapter } from './RayServeServingAdapter';

// Against a real Ray head with Serve (scripts/services/ray.sh). Deployments are asynchronous and
// replicas start in seconds on 2 cores, so every test waits with generous timeouts.

const version = (id: string): TrafficTarget => ({
  storageUri: `s3://models/echo/${id}`,
  modelFormat: 'llm_ops_echo',
  modelVersionId: id,
  percent: 100,
  role: 'stable',
});

/** The ids of an application's running replicas: the same ids mean it was not redeployed. */
async function replicaIds(name: string): Promise<string[]> {
  const replicas: any[] =
    (await serveDetails()).applications[name]?.deployments?.Model?.replicas ??
    [];
  return replicas
    .filter(r => r.state === 'RUNNING')
    .map(r => r.replica_id)
    .sort();
}

async function callApp(url: string | null): Promise<any> {
  if (!url) throw new Error('the endpoint has no URL');
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

describeWithRay('RayServeServingAdapter against a real Ray cluster', () => {
  const adapter = new RayServeServingAdapter({ cluster: testCluster() });
  const first = uniqueName('a');
  const second = uniqueName('b');
  const broken = uniqueName('bad');
  const others: string[] = [];

  const listed = (name: string) => async () =>
    (await adapter.list()).find(s => s.name === name);
  const isReady = (state?: ServedEndpointState) => state?.state === 'Ready';

  beforeAll(async () => {
    // Applications that were there before (another suite's, or Serve's own): they must survive.
    others.push(...Object.keys((await serveDetails()).applications));
  });

  afterAll(async () => {
    for (const name of [first, second, broken]) {
      await adapter.remove({ name }).catch(() => undefined);
    }
  });

  it('deploys an application, reports it Ready, and it serves the model version', async () => {
    const applied = await adapter.apply({
      name: first,
      minReplicas: 1,
      maxReplicas: 1,
      traffic: [version('mv-1')],
    });
    expect(applied).toMatchObject({
      name: first,
      cluster: 'test',
      traffic: [{ percent: 100, role: 'stable', modelVersionId: 'mv-1' }],
    });
    expect(applied.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${first}$`),
    );

    const ready = await waitFor(`${first} Ready`, listed(first), isReady);
    expect(ready!.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'True',
        reason: 'RUNNING',
      }),
      { type: 'Deployment/Model', status: 'True', reason: 'HEALTHY' },
    ]);
    await expect(callApp(ready!.url)).resolves.toEqual({
      app: 'llm-ops-echo',
      args: {
        storage_uri: 's3://models/echo/mv-1',
        model_format: 'llm_ops_echo',
        model_version_id: 'mv-1',
        managed_by: 'llm-ops',
      },
    });
  }, 180_000);

  it('applies a second endpoint and leaves the first one running', async () => {
    const firstReplicas = await replicaIds(first);
    expect(firstReplicas).toHaveLength(1);
    await adapter.apply({ name: second, traffic: [version('mv-7')] });
    const ready = await waitFor(`${second} Ready`, listed(second), isReady);
    await expect(callApp(ready!.url)).resolves.toMatchObject({
      args: { model_version_id: 'mv-7' },
    });

    // Serve shows every application of a PUT as DEPLOYING until its next control loop; the
    // first one comes back Ready on the same replica, not redeployed.
    const firstState = await waitFor(`${first} Ready`, listed(first), isReady);
    expect(await replicaIds(first)).toEqual(firstReplicas);
    await expect(callApp(firstState!.url)).resolves.toMatchObject({
      args: { model_version_id: 'mv-1' },
    });
    const apps = Object.keys((await serveDetails()).applications);
    expect(apps).toEqual(expect.arrayContaining([...others, first, second]));
  }, 180_000);

  it('updates the replica count and the model version of an endpoint', async () => {
    await adapter.apply({
      name: first,
      minReplicas: 2,
      maxReplicas: 2,
      traffic: [version('mv-2')],
    });
    const details = await waitFor(
      `${first} on two running replicas`,
      serveDetails,
      d => {
        const app = d.applications[first];
        const replicas = app?.deployments?.Model?.replicas ?? [];
        return (
          app?.status === 'RUNNING' &&
          app.deployed_app_config?.args?.model_version_id === 'mv-2' &&
          replicas.filter((r: any) => r.state === 'RUNNING').length === 2
        );
      },
    );
    expect(details.applications[first].deployed_app_config.deployments).toEqual(
      [
        {
          name: 'Model',
          num_replicas: 2,
          ray_actor_options: { num_cpus: 0.1 },
        },
      ],
    );
    const state = await waitFor(`${first} Ready`, listed(first), isReady);
    await expect(callApp(state!.url)).resolves.toMatchObject({
      args: { model_version_id: 'mv-2' },
    });

    // A range becomes Serve's autoscaling.
    await adapter.apply({
      name: first,
      minReplicas: 1,
      maxReplicas: 2,
      traffic: [version('mv-2')],
    });
    const scaled = await waitFor(
      `${first} autoscaling and RUNNING`,
      serveDetails,
      d => {
        const app = d.applications[first];
        const deployment = app?.deployments?.Model;
        return (
          app?.status === 'RUNNING' &&
          deployment?.status === 'HEALTHY' &&
          deployment.deployment_config?.autoscaling_config?.max_replicas === 2
        );
      },
    );
    expect(
      scaled.applications[first].deployed_app_config.deployments[0],
    ).toEqual({
      name: 'Model',
      autoscaling_config: { min_replicas: 1, max_replicas: 2 },
      ray_actor_options: { num_cpus: 0.1 },
    });
    await waitFor(`${first} Ready again`, listed(first), isReady);
  }, 240_000);

  it('removes an endpoint and leaves the others', async () => {
    const firstReplicas = await replicaIds(first);
    await adapter.remove({ name: second });
    expect((await adapter.list()).map(s => s.name)).not.toContain(second);
    await waitFor(
      `${second} gone from Serve`,
      serveDetails,
      d => !(second in d.applications),
    );
    // Removing it again is a no-op.
    await adapter.remove({ name: second });
    await waitFor(`${first} Ready`, listed(first), isReady);
    expect(await replicaIds(first)).toEqual(firstReplicas);
    expect(Object.keys((await serveDetails()).applications)).toEqual(
      expect.arrayContaining([...others, first]),
    );
  }, 180_000);

  it('reports an application whose import fails as NotReady with DEPLOY_FAILED and the error', async () => {
    await adapter.apply({
      name: broken,
      traffic: [{ ...version('mv-9'), modelFormat: 'llm_ops_no_such_module' }],
    });
    const failed = await waitFor(
      `${broken} DEPLOY_FAILED`,
      listed(broken),
      s => s?.conditions[0]?.reason === 'DEPLOY_FAILED',
    );
    expect(failed).toMatchObject({
      state: 'NotReady',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'DEPLOY_FAILED',
          message: expect.stringContaining(
            "ModuleNotFoundError: No module named 'llm_ops_no_such_module'",
          ),
        },
      ],
    });
    await adapter.remove({ name: broken });
    await waitFor(`${first} Ready`, listed(first), isReady);
  }, 180_000);

  it("gets Ray's 400 for an invalid import path, and nothing changes", async () => {
    const strict = new RayServeServingAdapter({
      cluster: testCluster({ importPath: '{modelFormat}' }),
    });
    const error = await strict
      .apply({
        name: broken,
        traffic: [{ ...version('mv-9'), modelFormat: 'nocolon' }],
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(RayServeApiError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('Got invalid import path "nocolon"');
    expect((await serveDetails()).applications[broken]).toBeUndefined();
  }, 60_000);

  it('sends nothing when the endpoint already runs the same config', async () => {
    const before = await serveDetails();
    const state = await adapter.apply({
      name: first,
      minReplicas: 1,
      maxReplicas: 2,
      traffic: [version('mv-2')],
    });
    expect(state.state).toBe('Ready');
    const after = await serveDetails();
    expect(after.applications[first].last_deployed_time_s).toBe(
      before.applications[first].last_deployed_time_s,
    );
  }, 60_000);

  it('refuses a canary with a 400 and has no canary capability', async () => {
    expect(adapter.capabilities.has('canary')).toBe(false);
    await expect(
      adapter.apply({
        name: first,
        traffic: [
          { ...version('mv-2'), percent: 90 },
          { ...version('mv-3'), percent: 10, role: 'canary' },
        ],
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(callApp((await listed(first)())!.url)).resolves.toMatchObject({
      args: { model_version_id: 'mv-2' },
    });
  }, 60_000);

  it('watches the applications and reports health', async () => {
    const controller = new AbortController();
    const seen: ServedEndpointState[] = [];
    await Promise.race([
      adapter.watch(state => {
        seen.push(state);
        if (state.name === first) controller.abort();
      }, controller.signal),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('watch reported nothing')), 30_000),
      ),
    ]);
    expect(seen.find(s => s.name === first)?.state).toBe('Ready');
    await expect(adapter.checkHealth()).resolves.toMatchObject({ state: 'up' });
  }, 60_000);

  it('fails without a status when the dashboard cannot be reached', async () => {
    const port = await closedPort();
    const unreachable = new RayServeServingAdapter({
      cluster: testCluster({ dashboardUrl: `http://127.0.0.1:${port}` }),
    });
    const error = await unreachable
      .apply({ name: first, traffic: [version('mv-2')] })
      .catch(e => e);
    expect(error).toBeInstanceOf(RayServeRequestError);
    expect(error).not.toHaveProperty('status');
    expect(error.message).toContain('ECONNREFUSED');
    await expect(unreachable.checkHealth()).resolves.toMatchObject({
      state: 'down',
    });
  }, 60_000);
});
