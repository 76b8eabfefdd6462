import type { Config } from '@backstage/config';

/**
 * One Ray cluster from `llmOps.rayServe.clusters`, validated, with the defaults filled in.
 *
 * @public
 */
export type RayServeClusterConfig = {
  /** Unique among the clusters; the adapter is called `ray-serve:<name>`. */
  name: string;
  /** The Ray dashboard's URL, without a trailing slash; the Serve REST API lives under it. */
  dashboardUrl: string;
  /** Sent as `Authorization: Bearer <token>` (Ray's token authentication). */
  token?: string;
  /**
   * Where clients reach Serve's HTTP proxy; an endpoint's URL is this plus its route prefix.
   * When not configured, the adapter builds it from the proxy's `http_options` that Serve reports.
   */
  serveUrl?: string;
  /** `http_options` for the PUT that starts Serve; Serve ignores them once it runs. */
  httpOptions?: { host?: string; port?: number };
  /** The import path of an endpoint's application; `{modelFormat}` is replaced. */
  importPath: string;
  /** The deployment in the application that gets the replica count and CPUs. */
  deploymentName: string;
  /** `ray_actor_options.num_cpus` of each replica. */
  numCpus: number;
  /** How often `watch` polls the cluster, in milliseconds. */
  watchIntervalMs: number;
};

/** Defaults of the optional settings. */
export const RAY_SERVE_DEFAULTS = {
  importPath: '{modelFormat}',
  deploymentName: 'Model',
  numCpus: 0.25,
  watchIntervalMs: 5000,
} as const;

const CONFIG_PATH = 'llmOps.rayServe';

/**
 * Cluster names are part of adapter ids and of the endpoints' `cluster` field; the same syntax as
 * the Kubernetes cluster names of the KServe module.
 */
const NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * Reads and validates `llmOps.rayServe.clusters`. Returns no clusters when `llmOps.rayServe` is
 * absent. Throws at startup, naming the config path, on a missing or malformed key or on
 * duplicate names.
 *
 * @public
 */
export function readRayServeClusters(config: Config): RayServeClusterConfig[] {
  const rayServe = config.getOptionalConfig(CONFIG_PATH);
  if (!rayServe) return [];
  if (!rayServe.has('clusters')) {
    throw new Error(
      `Missing required config value at '${CONFIG_PATH}.clusters'; list at least one Ray cluster, or remove '${CONFIG_PATH}'`,
    );
  }
  const seen = new Map<string, string>();
  return rayServe.getConfigArray('clusters').map((entry, index) => {
    const path = `${CONFIG_PATH}.clusters[${index}]`;
    const cluster = readCluster(entry, path);
    const earlier = seen.get(cluster.name);
    if (earlier) {
      throw new Error(
        `Duplicate cluster name '${cluster.name}' at '${path}.name'; '${earlier}.name' uses it already`,
      );
    }
    seen.set(cluster.name, path);
    return cluster;
  });
}

function readCluster(entry: Config, path: string): RayServeClusterConfig {
  const name = optionalString(entry, 'name', path);
  if (name === undefined) {
    throw new Error(`Missing required config value at '${path}.name'`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new Error(
      `Invalid cluster name '${name}' at '${path}.name'; use at most 63 letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
    );
  }
  const dashboardUrl = readUrl(entry, 'dashboardUrl', path);
  if (dashboardUrl === undefined) {
    throw new Error(
      `Missing required config value at '${path}.dashboardUrl'; give the Ray dashboard's URL, e.g. http://ray-head:8265`,
    );
  }
  const cluster: RayServeClusterConfig = {
    name,
    dashboardUrl,
    importPath:
      optionalString(entry, 'importPath', path) ??
      RAY_SERVE_DEFAULTS.importPath,
    deploymentName:
      optionalString(entry, 'deploymentName', path) ??
      RAY_SERVE_DEFAULTS.deploymentName,
    numCpus: readNumber(entry, 'numCpus', path, {
      min: 0,
      max: 1024,
      fallback: RAY_SERVE_DEFAULTS.numCpus,
    }),
    watchIntervalMs: readNumber(entry, 'watchIntervalSeconds', path, {
      min: 0.1,
      max: 3600,
      scale: 1000,
      fallback: RAY_SERVE_DEFAULTS.watchIntervalMs,
    }),
  };
  const token = optionalString(entry, 'token', path);
  if (token !== undefined) cluster.token = token;
  const serveUrl = readUrl(entry, 'serveUrl', path);
  if (serveUrl !== undefined) cluster.serveUrl = serveUrl;
  const http = entry.getOptionalConfig('httpOptions');
  if (http) {
    const httpPath = `${path}.httpOptions`;
    const httpOptions: { host?: string; port?: number } = {};
    const host = optionalString(http, 'host', httpPath);
    if (host !== undefined) httpOptions.host = host;
    if (http.has('port')) {
      httpOptions.port = readNumber(http, 'port', httpPath, {
        min: 1,
        max: 65535,
        integer: true,
      });
    }
    cluster.httpOptions = httpOptions;
  }
  return cluster;
}

function optionalString(
  entry: Config,
  key: string,
  path: string,
): string | undefined {
  const value = entry.getOptionalString(key);
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    throw new Error(`Empty config value at '${path}.${key}'`);
  }
  return value.trim();
}

function readNumber(
  entry: Config,
  key: string,
  path: string,
  options: {
    min: number;
    max: number;
    integer?: boolean;
    scale?: number;
    fallback?: number;
  },
): number {
  const value = entry.getOptionalNumber(key);
  if (value === undefined) {
    if (options.fallback !== undefined) return options.fallback;
    throw new Error(`Missing required config value at '${path}.${key}'`);
  }
  if (
    !Number.isFinite(value) ||
    value < options.min ||
    value > options.max ||
    (options.integer && !Number.isInteger(value))
  ) {
    throw new Error(
      `Invalid config value at '${path}.${key}'; expected ${
        options.integer ? 'a whole number' : 'a number'
      } from ${options.min} to ${options.max}, got ${value}`,
    );
  }
  return value * (options.scale ?? 1);
}

function readUrl(entry: Config, key: string, path: string): string | undefined {
  const value = optionalString(entry, key, path);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `Invalid URL at '${path}.${key}'; expected an absolute http(s) URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(
      `Invalid URL at '${path}.${key}'; expected http or https, got '${url.protocol}'`,
    );
  }
  if (url.username || url.password) {
    // The URL itself stays out of the message: it holds a password.
    throw new Error(
      `The URL at '${path}.${key}' contains credentials; use '${path}.token'`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(
      `Invalid URL at '${path}.${key}'; expected no query string or fragment`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}
