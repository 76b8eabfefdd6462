import type { TrafficTarget } from '@llm-ops/backstage-plugin-llm-ops-node';
import { fixture } from '../__testUtils__/fakeRay';
import {
  buildApplication,
  buildDeployConfig,
  importPathFor,
  replicaSettings,
} from './application';

const settings = {
  importPath: 'llm_ops_apps.{modelFormat}:build',
  deploymentName: 'Model',
  numCpus: 0.25,
};

const stable: TrafficTarget = {
  storageUri: 's3://models/classifier/3',
  modelFormat: 'sklearn',
  modelVersionId: 'mv-3',
  percent: 100,
  role: 'stable',
};

describe('buildApplication', () => {
  it('names the application and its route after the endpoint and passes the version in args', () => {
    expect(
      buildApplication(
        {
          name: 'classifier',
          minReplicas: 2,
          maxReplicas: 2,
          traffic: [stable],
        },
        settings,
      ),
    ).toEqual({
      name: 'classifier',
      route_prefix: '/classifier',
      import_path: 'llm_ops_apps.sklearn:build',
      args: {
        storage_uri: 's3://models/classifier/3',
        model_format: 'sklearn',
        model_version_id: 'mv-3',
        managed_by: 'llm-ops',
      },
      deployments: [
        {
          name: 'Model',
          num_replicas: 2,
          ray_actor_options: { num_cpus: 0.25 },
        },
      ],
    });
  });

  it('leaves the replica count to the application when the endpoint has no bounds', () => {
    expect(
      buildApplication({ name: 'c', traffic: [stable] }, settings).deployments,
    ).toEqual([{ name: 'Model', ray_actor_options: { num_cpus: 0.25 } }]);
  });

  it('refuses a canary with a 400 that says Ray Serve has no canary rollout', () => {
    const canary = {
      ...stable,
      modelVersionId: 'mv-4',
      role: 'canary' as const,
    };
    const call = () =>
      buildApplication(
        {
          name: 'c',
          traffic: [
            { ...stable, percent: 90 },
            { ...canary, percent: 10 },
          ],
        },
        settings,
      );
    expect(call).toThrow(
      expect.objectContaining({
        name: 'RayServeAdapterError',
        status: 400,
        message: expect.stringContaining(
          'Ray Serve does not support canary rollouts',
        ),
      }),
    );
  });

  it.each<[string, TrafficTarget[], string]>([
    ['no target', [], 'needs a traffic target'],
    [
      'two stable targets',
      [
        { ...stable, percent: 50 },
        { ...stable, modelVersionId: 'mv-4', percent: 50 },
      ],
      'one model version per application',
    ],
    ['less than 100%', [{ ...stable, percent: 80 }], 'cannot split traffic'],
    ['no storage URI', [{ ...stable, storageUri: ' ' }], 'needs a storageUri'],
    ['no model version', [{ ...stable, modelVersionId: '' }], 'modelVersionId'],
  ])('refuses %s with a 400', (_, traffic, message) => {
    expect(() => buildApplication({ name: 'c', traffic }, settings)).toThrow(
      expect.objectContaining({
        status: 400,
        message: expect.stringContaining(message),
      }),
    );
  });

  it.each(['', 'a/b', 'has space', '-x', 'x'.repeat(64), 'ünï'])(
    'refuses the endpoint name %j with a 400',
    name => {
      expect(() =>
        buildApplication({ name, traffic: [stable] }, settings),
      ).toThrow(expect.objectContaining({ status: 400 }));
    },
  );
});

describe('replicaSettings', () => {
  it.each<[number | undefined, number | undefined, object]>([
    [undefined, undefined, {}],
    [1, 1, { num_replicas: 1 }],
    [3, undefined, { num_replicas: 3 }],
    [undefined, 1, { num_replicas: 1 }],
    [
      undefined,
      4,
      { autoscaling_config: { min_replicas: 1, max_replicas: 4 } },
    ],
    [2, 5, { autoscaling_config: { min_replicas: 2, max_replicas: 5 } }],
    [0, 2, { autoscaling_config: { min_replicas: 0, max_replicas: 2 } }],
  ])('min %p, max %p gives %j', (min, max, expected) => {
    expect(replicaSettings(min, max)).toEqual(expected);
  });

  it.each<[number | undefined, number | undefined, string]>([
    [-1, 2, 'minReplicas must be a whole number'],
    [1, 1.5, 'maxReplicas must be a whole number'],
    [3, 2, 'cannot be greater than maxReplicas'],
    [0, 0, 'maxReplicas must be at least 1'],
    [undefined, 0, 'maxReplicas must be at least 1'],
    [0, undefined, 'scales to zero only with autoscaling'],
  ])('refuses min %p, max %p with a 400', (min, max, message) => {
    expect(() => replicaSettings(min, max)).toThrow(
      expect.objectContaining({
        status: 400,
        message: expect.stringContaining(message),
      }),
    );
  });
});

describe('importPathFor', () => {
  it('replaces every {modelFormat}', () => {
    expect(importPathFor('apps.{modelFormat}:build', 'vllm')).toBe(
      'apps.vllm:build',
    );
    expect(importPathFor('{modelFormat}', 'pkg.mod:app')).toBe('pkg.mod:app');
    expect(importPathFor('fixed.module:app', 'sklearn')).toBe(
      'fixed.module:app',
    );
  });
});

describe('buildDeployConfig', () => {
  const upsert = buildApplication(
    { name: 'summarizer', minReplicas: 1, maxReplicas: 1, traffic: [stable] },
    settings,
  );

  it('keeps every other application as deployed and the instance options as Serve reports them', () => {
    // Recorded from Ray 2.60.0: `legacy` (not llm-ops') and `classifier`, both RUNNING.
    const details = fixture('get-running.json');
    const config = buildDeployConfig(details, { upsert }, { port: 1 });
    expect(config).toEqual({
      proxy_location: 'EveryNode',
      http_options: details.http_options,
      grpc_options: details.grpc_options,
      applications: [
        details.applications.legacy.deployed_app_config,
        details.applications.classifier.deployed_app_config,
        upsert,
      ],
    });
  });

  it('replaces the application of the same name in place of adding one', () => {
    const details = fixture('get-running.json');
    const replaced = buildApplication(
      { name: 'classifier', traffic: [{ ...stable, modelVersionId: 'mv-4' }] },
      settings,
    );
    const { applications } = buildDeployConfig(details, { upsert: replaced });
    expect(applications.map(app => app.name)).toEqual(['legacy', 'classifier']);
    expect(applications[1]).toBe(replaced);
  });

  it('leaves out the removed application and those being deleted or deployed from Python', () => {
    const details = fixture('get-failed.json');
    details.applications.legacy.status = 'DELETING';
    details.applications.scripted = {
      name: 'scripted',
      status: 'RUNNING',
      source: 'imperative',
      deployed_app_config: null,
    };
    const { applications } = buildDeployConfig(details, { remove: 'broken' });
    expect(applications.map(app => app.name)).toEqual(['classifier']);
  });

  it('sends the configured http_options while Serve is not running, and the target capacity Serve has', () => {
    const details = fixture('get-no-serve.json');
    expect(
      buildDeployConfig(
        details,
        { upsert },
        { host: '127.0.0.1', port: 58266 },
      ),
    ).toEqual({
      http_options: { host: '127.0.0.1', port: 58266 },
      applications: [upsert],
    });
    expect(
      buildDeployConfig({ ...details, target_capacity: 50 }, { upsert }),
    ).toEqual({ target_capacity: 50, applications: [upsert] });
  });
});
