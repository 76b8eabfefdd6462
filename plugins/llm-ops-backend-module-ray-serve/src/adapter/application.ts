import type {
  ServingAdapter,
  TrafficTarget,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { RayServeAdapterError } from '../client/errors';
import type {
  ServeApplicationConfig,
  ServeApplicationDetails,
  ServeDeployConfig,
  ServeDeploymentConfig,
  ServeInstanceDetails,
} from '../client/types';

/** What `RayServeServingAdapter.apply` takes: the serving contract's endpoint. @public */
export type RayServeEndpoint = Parameters<ServingAdapter['apply']>[0];

/**
 * The `args` that every application llm-ops deploys gets, and that its application builder is
 * called with: which model version to serve, and a marker that llm-ops manages the application.
 *
 * @public
 */
export type RayServeApplicationArgs = {
  /** The model version's artifacts, e.g. `s3://models/classifier/3`. */
  storage_uri: string;
  /** The model version's format, e.g. `sklearn`. */
  model_format: string;
  /** The llm-ops model version id. */
  model_version_id: string;
  /** Always `llm-ops`; applications without it are not listed, changed or removed. */
  managed_by: typeof MANAGED_BY_VALUE;
};

/** The value of `args.managed_by` on the applications llm-ops deploys. @public */
export const MANAGED_BY_VALUE = 'llm-ops';

/** How an endpoint becomes an application: from the cluster's config. */
export type ApplicationSettings = {
  /** The import path template; `{modelFormat}` is replaced by the version's model format. */
  importPath: string;
  /** The deployment that gets the replica count and the CPUs. */
  deploymentName: string;
  /** `ray_actor_options.num_cpus` per replica. */
  numCpus: number;
};

/** Application names become route prefixes (`/<name>`) too, so they are kept URL-safe. */
const APP_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

const bad = (message: string) => new RayServeAdapterError(400, message);

/** The application's name in Ray Serve: the endpoint's name, checked. */
export function applicationName(name: string): string {
  if (typeof name !== 'string' || !APP_NAME_PATTERN.test(name)) {
    throw bad(
      `Invalid endpoint name ${JSON.stringify(
        name,
      )} for Ray Serve; use at most 63 letters, digits, '.', '_' and '-', starting and ending with a letter or digit (it is also the route prefix)`,
    );
  }
  return name;
}

/**
 * The one model version an endpoint serves. Ray Serve routes all of an application's traffic to
 * its current deployment: it has no canary rollout and no traffic split between two versions, so
 * anything but a single stable target with 100% is refused (400) instead of being silently
 * served as something else.
 */
export function servedTarget(traffic: TrafficTarget[]): TrafficTarget {
  if (!Array.isArray(traffic) || traffic.length === 0) {
    throw bad('A Ray Serve application needs a traffic target; got none');
  }
  if (traffic.some(t => t?.role === 'canary')) {
    throw bad(
      'Ray Serve does not support canary rollouts: an application serves one model version with all of its traffic, so a canary target cannot be applied. Deploy the new version as a whole (or use a serving adapter with the canary capability, such as KServe)',
    );
  }
  if (traffic.length !== 1 || traffic[0]?.role !== 'stable') {
    throw bad(
      `Ray Serve serves one model version per application; expected one stable target, got ${traffic.length} target(s)`,
    );
  }
  const [target] = traffic;
  if (target.percent !== 100) {
    throw bad(
      `Ray Serve cannot split traffic; the stable target must have 100 percent, got ${target.percent}`,
    );
  }
  if (!target.storageUri?.trim() || !target.modelFormat?.trim()) {
    throw bad('The stable target needs a storageUri and a modelFormat');
  }
  if (!target.modelVersionId?.trim()) {
    throw bad('The stable target needs a modelVersionId');
  }
  return target;
}

/**
 * The deployment's replica settings from the endpoint's bounds:
 * - none: nothing (the application's own default, usually 1);
 * - min = max (or only one of them, which is then both): `num_replicas`;
 * - min < max: `autoscaling_config` with `min_replicas`/`max_replicas` (min 0 scales to zero).
 * Serve needs at least one replica unless it autoscales, so max 0 (KServe's "no limit") and a
 * lone min 0 are refused.
 */
export function replicaSettings(
  minReplicas?: number,
  maxReplicas?: number,
): Pick<ServeDeploymentConfig, 'num_replicas' | 'autoscaling_config'> {
  for (const [key, value] of [
    ['minReplicas', minReplicas],
    ['maxReplicas', maxReplicas],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw bad(`${key} must be a whole number of at least 0; got ${value}`);
    }
  }
  if (minReplicas === undefined && maxReplicas === undefined) return {};
  if (maxReplicas === 0) {
    throw bad(
      'maxReplicas must be at least 1 on Ray Serve; it has no unlimited replica count',
    );
  }
  const min = minReplicas ?? Math.min(1, maxReplicas!);
  const max = maxReplicas ?? min;
  if (min > max) {
    throw bad(
      `minReplicas (${min}) cannot be greater than maxReplicas (${max})`,
    );
  }
  if (max === 0) {
    throw bad(
      'minReplicas 0 needs a maxReplicas of at least 1: Ray Serve scales to zero only with autoscaling',
    );
  }
  if (min === max) return { num_replicas: min };
  return { autoscaling_config: { min_replicas: min, max_replicas: max } };
}

/** The import path for a model format, from the configured template. */
export function importPathFor(template: string, modelFormat: string): string {
  return template.split('{modelFormat}').join(modelFormat);
}

/**
 * The Serve application llm-ops wants for an endpoint: named after it, on the route
 * `/<name>`, built by the import path for the version's model format with the version in its
 * `args`, and the configured deployment given the replica count and a small CPU share.
 */
export function buildApplication(
  endpoint: RayServeEndpoint,
  settings: ApplicationSettings,
): ServeApplicationConfig {
  const name = applicationName(endpoint.name);
  const target = servedTarget(endpoint.traffic);
  const replicas = replicaSettings(endpoint.minReplicas, endpoint.maxReplicas);
  const args: RayServeApplicationArgs = {
    storage_uri: target.storageUri,
    model_format: target.modelFormat,
    model_version_id: target.modelVersionId,
    managed_by: MANAGED_BY_VALUE,
  };
  return {
    name,
    route_prefix: `/${name}`,
    import_path: importPathFor(settings.importPath, target.modelFormat),
    args,
    deployments: [
      {
        name: settings.deploymentName,
        ...replicas,
        ray_actor_options: { num_cpus: settings.numCpus },
      },
    ],
  };
}

/** Whether llm-ops deployed this application (its `args.managed_by`). */
export function isManaged(app: ServeApplicationDetails | undefined): boolean {
  return app?.deployed_app_config?.args?.managed_by === MANAGED_BY_VALUE;
}

/**
 * The applications a declarative PUT must keep: every application deployed through the REST API
 * (or `serve deploy`) with the config it was deployed with, except those being deleted.
 * Applications deployed from Python (`serve.run`) have no config to send back; Serve leaves them
 * alone when a PUT does not name them.
 */
function keptApplications(
  details: ServeInstanceDetails,
  except: string,
): ServeApplicationConfig[] {
  return Object.values(details.applications)
    .filter(
      app =>
        app.name !== except &&
        app.status !== 'DELETING' &&
        app.source !== 'imperative' &&
        app.deployed_app_config,
    )
    .map(app => app.deployed_app_config as ServeApplicationConfig);
}

/**
 * The whole set of applications for `PUT /api/serve/applications/`: what runs now, with one
 * application replaced or added (`upsert`) or left out (`remove`). The instance-wide options are
 * sent back as Serve reports them; while Serve is not running yet, `httpOptions` (from config)
 * says where its HTTP proxy starts.
 */
export function buildDeployConfig(
  details: ServeInstanceDetails,
  change: { upsert: ServeApplicationConfig } | { remove: string },
  httpOptions?: { host?: string; port?: number },
): ServeDeployConfig {
  const name = 'upsert' in change ? change.upsert.name : change.remove;
  const applications = keptApplications(details, name);
  if ('upsert' in change) applications.push(change.upsert);
  const config: ServeDeployConfig = { applications };
  if (typeof details.proxy_location === 'string') {
    config.proxy_location = details.proxy_location;
  }
  if (details.http_options && typeof details.http_options === 'object') {
    config.http_options = details.http_options;
  } else if (httpOptions) {
    config.http_options = { ...httpOptions };
  }
  if (details.grpc_options && typeof details.grpc_options === 'object') {
    config.grpc_options = details.grpc_options;
  }
  if (typeof details.target_capacity === 'number') {
    config.target_capacity = details.target_capacity;
  }
  return config;
}
