import type { Config } from '@backstage/config';
import {
  readEntryName,
  readBoundedNumber,
  readOptionalHttpUrl,
  readOptionalTrimmedString,
  readUniquelyNamedEntries,
  type HttpUrlMessages,
} from '@llm-ops/backstage-plugin-llm-ops-node';

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
 * Reads and validates `llmOps.rayServe.clusters`. Returns no clusters when `llmOps.rayServe` is
 * absent. Throws at startup, naming the config path, on a missing or malformed key or on
 * duplicate names.
 *
 * @public
 */
export function readRayServeClusters(config: Config): RayServeClusterConfig[] {
  return readUniquelyNamedEntries(config, {
    section: CONFIG_PATH,
    listKey: 'clusters',
    entryNoun: 'Ray cluster',
    nameKey: 'name',
    nameLabel: 'cluster name',
    readEntry: readCluster,
  });
}

function readCluster(entry: Config, path: string): RayServeClusterConfig {
  const name = readEntryName(entry, path, 'cluster name');
  const urlMessages: HttpUrlMessages = {
    credentialsHint: `use '${path}.token'`,
  };
  const dashboardUrl = readOptionalHttpUrl(
    entry,
    'dashboardUrl',
    path,
    urlMessages,
  );
  if (dashboardUrl === undefined) {
    throw new Error(
      `Missing required config value at '${path}.dashboardUrl'; give the Ray dashboard's URL, e.g. http://ray-head:8265`,
    );
  }
  const cluster: RayServeClusterConfig = {
    name,
    dashboardUrl,
    importPath:
      readOptionalTrimmedString(entry, 'importPath', path) ??
      RAY_SERVE_DEFAULTS.importPath,
    deploymentName:
      readOptionalTrimmedString(entry, 'deploymentName', path) ??
      RAY_SERVE_DEFAULTS.deploymentName,
    numCpus: readBoundedNumber(entry, 'numCpus', path, {
      min: 0,
      max: 1024,
      default: RAY_SERVE_DEFAULTS.numCpus,
    }),
    watchIntervalMs: readWatchIntervalMs(entry, path),
  };
  const token = readOptionalTrimmedString(entry, 'token', path);
  if (token !== undefined) cluster.token = token;
  const serveUrl = readOptionalHttpUrl(entry, 'serveUrl', path, urlMessages);
  if (serveUrl !== undefined) cluster.serveUrl = serveUrl;
  const http = entry.getOptionalConfig('httpOptions');
  if (http) {
    const httpPath = `${path}.httpOptions`;
    const httpOptions: { host?: string; port?: number } = {};
    const host = readOptionalTrimmedString(http, 'host', httpPath);
    if (host !== undefined) httpOptions.host = host;
    if (http.has('port')) {
      httpOptions.port = readBoundedNumber(http, 'port', httpPath, {
        min: 1,
        max: 65535,
        integer: true,
      });
    }
    cluster.httpOptions = httpOptions;
  }
  return cluster;
}

/** Configured in seconds, which people write more easily; the adapter wants milliseconds. */
function readWatchIntervalMs(entry: Config, path: string): number {
  const seconds = readBoundedNumber(entry, 'watchIntervalSeconds', path, {
    min: 0.1,
    max: 3600,
    default: RAY_SERVE_DEFAULTS.watchIntervalMs / 1000,
  });
  return seconds * 1000;
}
