import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  IntegrationHealthTracker,
  statusOfError,
  type IntegrationHealth,
  type ServedEndpointState,
  type ServingAdapter,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { RayDashboardClient } from '../client/RayDashboardClient';
import { RayServeAdapterError, messageOf } from '../client/errors';
import type { ServeInstanceDetails } from '../client/types';
import {
  RAY_SERVE_DEFAULTS,
  readRayServeClusters,
  type RayServeClusterConfig,
} from '../config';
import {
  applicationName,
  buildApplication,
  buildDeployConfig,
  isManaged,
  type RayServeEndpoint,
} from './application';
import { serveBaseUrl, toServedEndpointState } from './read';

/** @public */
export type RayServeServingAdapterOptions = {
  cluster: RayServeClusterConfig;
  logger?: LoggerService;
  /** Per request to the dashboard; see `RayDashboardClient`. */
  timeoutMs?: number;
};

/**
 * The serving adapter for Ray Serve on one Ray cluster, with the id `ray-serve:<cluster>`. An
 * llm-ops endpoint is a Serve application of the same name on the route `/<name>`, managed through
 * the Serve REST API on the cluster's dashboard (`/api/serve/applications/`).
 *
 * That API is declarative: a PUT replaces the whole set of applications. So `apply` and `remove`
 * read the current set, change the one application, and PUT the set back with every other
 * application as it was deployed; one adapter does this one write at a time. Serve deploys
 * asynchronously: `apply` returns the state right after the PUT (usually `NotReady`, reason
 * `DEPLOYING`) and `list` or `watch` tell when it is `Ready`.
 *
 * Only applications whose `args.managed_by` is `llm-ops` are listed, watched, changed or removed;
 * an application of the same name (or on the same route) that someone else deployed is left
 * alone (409). Ray Serve has no canary rollout, so the adapter has no `canary` capability and a
 * canary target is refused (400).
 *
 * @public
 */
export class RayServeServingAdapter implements ServingAdapter {
  readonly id: string;
  readonly category = 'serving' as const;
  readonly capabilities: ReadonlySet<string> = new Set(['watch', 'scale']);
  private readonly config: RayServeClusterConfig;
  private readonly client: RayDashboardClient;
  private readonly logger?: LoggerService;
  /** The writes of this adapter, one after another: each is a read-modify-write of the whole set. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly health = new IntegrationHealthTracker();

  constructor(options: RayServeServingAdapterOptions) {
    this.config = options.cluster;
    this.logger = options.logger;
    this.id = `ray-serve:${options.cluster.name}`;
    this.client = new RayDashboardClient({
      cluster: options.cluster,
      timeoutMs: options.timeoutMs,
    });
  }

  /**
   * One adapter per cluster under `llmOps.rayServe.clusters`; none without that config. Invalid
   * config throws, naming the config path.
   */
  static fromConfig(
    config: Config,
    options: { logger?: LoggerService } = {},
  ): RayServeServingAdapter[] {
    return readRayServeClusters(config).map(
      cluster =>
        new RayServeServingAdapter({
          cluster,
          logger: options.logger?.child({ cluster: cluster.name }),
        }),
    );
  }

  /** The cluster's name, as configured. */
  get cluster(): string {
    return this.config.name;
  }

  /**
   * `GET /api/serve/applications/`. No answer or a 5xx is `down`; a 4xx is `degraded` (401/403:
   * the token; 404: no Serve REST API on that dashboard).
   */
  async checkHealth(): Promise<IntegrationHealth> {
    const started = performance.now();
    try {
      await this.client.getServeInstance();
    } catch (error) {
      return this.health.failedCall(
        statusOfError(error),
        messageOf(error),
        Math.round(performance.now() - started),
      );
    }
    return this.health.up(Math.round(performance.now() - started));
  }

  /**
   * Creates or updates the endpoint's application and returns its state as Serve reports it right
   * after the PUT; there is no PUT when the application already runs exactly this config.
   *
   * Checked first, without a request (400): the name, a single stable target with 100% (no
   * canary), the replica bounds. Refused (409): an application of that name, or on the route
   * `/<name>`, that llm-ops does not manage. Ray's own rejection of the config is a
   * `RayServeApiError` with status 400.
   */
  async apply(endpoint: RayServeEndpoint): Promise<ServedEndpointState> {
    this.checkCluster(endpoint.cluster);
    const desired = buildApplication(endpoint, {
      importPath: this.config.importPath,
      deploymentName: this.config.deploymentName,
      numCpus: this.config.numCpus,
    });
    return this.write(async () => {
      const details = await this.client.getServeInstance();
      const current = details.applications[desired.name];
      if (current && current.status !== 'DELETING' && !isManaged(current)) {
        throw new RayServeAdapterError(
          409,
          `Ray Serve application '${desired.name}' exists on cluster '${this.cluster}' but was not deployed by llm-ops; refusing to replace it`,
        );
      }
      const onRoute = Object.values(details.applications).find(
        app =>
          app.name !== desired.name &&
          app.status !== 'DELETING' &&
          (app.route_prefix ?? app.deployed_app_config?.route_prefix) ===
            desired.route_prefix,
      );
      if (onRoute) {
        throw new RayServeAdapterError(
          409,
          `Route ${desired.route_prefix} on Ray cluster '${this.cluster}' is taken by application '${onRoute.name}'`,
        );
      }
      // Every PUT makes Serve re-apply each application it names, which shows as DEPLOYING for a
      // moment even when nothing changed; an application that already runs this config is left
      // alone. A failed one is sent again, which makes Serve retry it.
      const unchanged =
        current &&
        (current.status === 'RUNNING' || current.status === 'DEPLOYING') &&
        sameConfig(current.deployed_app_config, desired);
      if (!unchanged) {
        await this.client.putApplications(
          buildDeployConfig(
            details,
            { upsert: desired },
            this.config.httpOptions,
          ),
        );
      }
      const after = unchanged ? details : await this.client.getServeInstance();
      const app = after.applications[desired.name];
      const state = app
        ? this.toState(app, after)
        : {
            name: desired.name,
            cluster: this.cluster,
            url: null,
            state: 'NotReady' as const,
            conditions: [
              {
                type: 'Ready',
                status: 'False' as const,
                reason: 'NOT_STARTED',
              },
            ],
            traffic: [
              {
                percent: 100,
                role: 'stable' as const,
                modelVersionId: String(desired.args?.model_version_id),
              },
            ],
          };
      this.logger?.info(
        `Applied Ray Serve application '${desired.name}' (${
          state.conditions[0]?.reason ?? state.state
        })`,
      );
      return state;
    });
  }

  /**
   * Removes the endpoint's application: PUTs the set without it. Serve then stops its replicas;
   * the application shows as `DELETING` (not listed any more) until they are gone. Nothing to do
   * when it is absent or already being deleted; 409 when llm-ops does not manage it.
   */
  async remove(endpoint: {
    name: string;
    cluster?: string;
    namespace?: string;
  }): Promise<void> {
    this.checkCluster(endpoint.cluster);
    const name = applicationName(endpoint.name);
    await this.write(async () => {
      const details = await this.client.getServeInstance();
      const current = details.applications[name];
      if (!current || current.status === 'DELETING') return;
      if (!isManaged(current)) {
        throw new RayServeAdapterError(
          409,
          `Ray Serve application '${name}' on cluster '${this.cluster}' was not deployed by llm-ops; refusing to remove it`,
        );
      }
      await this.client.putApplications(
        buildDeployConfig(details, { remove: name }, this.config.httpOptions),
      );
      this.logger?.info(`Removed Ray Serve application '${name}'`);
    });
  }

  /** The applications llm-ops manages on this cluster, except those being deleted. */
  async list(): Promise<ServedEndpointState[]> {
    return this.managedStates(await this.client.getServeInstance());
  }

  /**
   * Ray Serve has no change feed, so this polls `GET /api/serve/applications/` every
   * `watchIntervalSeconds` (default 5): first every managed application, then each one whose
   * state changed, and with `deleted: true` each one that is gone or being deleted. A failed poll
   * is logged and retried at the next interval. Resolves when `signal` aborts.
   */
  async watch(
    onChange: (state: ServedEndpointState, deleted: boolean) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const known = new Map<
      string,
      { json: string; state: ServedEndpointState }
    >();
    let failing = false;
    while (!signal.aborted) {
      try {
        const states = this.managedStates(await this.client.getServeInstance());
        if (failing) {
          this.logger?.info(
            `Polling Ray cluster '${this.cluster}' works again`,
          );
          failing = false;
        }
        const seen = new Set<string>();
        for (const state of states) {
          seen.add(state.name);
          const json = JSON.stringify(state);
          if (known.get(state.name)?.json === json) continue;
          known.set(state.name, { json, state });
          if (!signal.aborted) onChange(state, false);
        }
        for (const [name, { state }] of known) {
          if (seen.has(name)) continue;
          known.delete(name);
          if (!signal.aborted) onChange(state, true);
        }
      } catch (error) {
        if (!failing) {
          this.logger?.warn(
            `Polling Ray cluster '${this.cluster}' failed; retrying every ${
              this.config.watchIntervalMs
            } ms: ${messageOf(error)}`,
          );
        }
        failing = true;
      }
      await sleep(
        this.config.watchIntervalMs ?? RAY_SERVE_DEFAULTS.watchIntervalMs,
        signal,
      );
    }
  }

  private managedStates(details: ServeInstanceDetails): ServedEndpointState[] {
    return Object.values(details.applications)
      .filter(app => isManaged(app) && app.status !== 'DELETING')
      .map(app => this.toState(app, details));
  }

  private toState(
    app: ServeInstanceDetails['applications'][string],
    details: ServeInstanceDetails,
  ): ServedEndpointState {
    return toServedEndpointState(app, {
      cluster: this.cluster,
      baseUrl: serveBaseUrl(details, {
        serveUrl: this.config.serveUrl,
        dashboardUrl: this.config.dashboardUrl,
      }),
    });
  }

  /** Runs `task` after every earlier write of this adapter has finished. */
  private write<T>(task: () => Promise<T>): Promise<T> {
    const result = this.writes.then(task, task);
    this.writes = result.catch(() => undefined);
    return result;
  }

  private checkCluster(cluster: string | undefined) {
    if (cluster !== undefined && cluster !== this.cluster) {
      throw new RayServeAdapterError(
        400,
        `The endpoint is on cluster '${cluster}', but this adapter (${this.id}) serves Ray cluster '${this.cluster}'`,
      );
    }
  }
}

/** Whether two application configs are the same, whatever the order of their keys. */
function sameConfig(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) {
      resolve();
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
