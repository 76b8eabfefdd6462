import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ServedEndpointState } from '@llm-ops/backstage-plugin-llm-ops-node';
import type {
  Endpoint,
  EndpointObserved,
  EndpointStore,
} from '../database/EndpointStore';
import type { Integrations } from './Integrations';
import {
  servingExternalId,
  toObserved,
  type ServingTool,
  type ServingWriter,
} from './ServingWriter';
import { WatchQueue } from './watchQueue';

const comparable = (observed: Omit<EndpointObserved, 'observedAt'>) =>
  JSON.stringify({
    state: observed.state,
    conditions: observed.conditions,
    traffic: observed.traffic,
    latestReadyRevision: observed.latestReadyRevision,
    latestRolledOutRevision: observed.latestRolledOutRevision,
  });

/**
 * Keeps the observed state of endpoints equal to what their clusters report: for every serving
 * adapter with the `watch` capability, the adapter's watch runs until the signal aborts, and each
 * reported resource is matched to its endpoint by (cluster, namespace, name) and recorded with
 * `EndpointStore.recordObserved` (state, conditions, URL, traffic, revisions). A report that
 * changes nothing writes nothing, so relists are harmless. A resource deleted on the cluster
 * behind llm-ops' back leaves its endpoint NotReady with no traffic; one llm-ops deleted has no
 * endpoint any more and is ignored. While a cluster is unreachable its endpoints keep their
 * last known state (the health check marks the integration down; lists say stale). Adapters
 * without `watch` are polled instead (`poll`, a scheduled task).
 */
export class ServingWatch {
  constructor(
    private readonly db: Knex,
    private readonly endpoints: EndpointStore,
    private readonly writer: ServingWriter,
    private readonly integrations: Integrations,
    private readonly logger: LoggerService,
  ) {}

  /** Starts a watch per watching adapter; resolves when all have stopped and written. */
  start(signal: AbortSignal): Promise<void>[] {
    return this.integrations
      .servingTools()
      .filter(
        tool => tool.adapter.capabilities.has('watch') && tool.adapter.watch,
      )
      .map(async tool => {
        const queue = new WatchQueue(
          this.logger,
          `watch of ${tool.adapter.id}`,
        );
        this.logger.info(`llm-ops watching endpoints on ${tool.adapter.id}`);
        await tool.adapter.watch!((state, deleted) => {
          queue.push(() => this.record(tool, state, deleted));
        }, signal);
        await queue.idle();
      });
  }

  /**
   * For an adapter that cannot watch: lists what it manages and records each as a watch would
   * (a resource missing from the list is not taken as deleted).
   */
  async poll(tool: ServingTool): Promise<number> {
    const states = await tool.connection.call(() => tool.adapter.list());
    let changed = 0;
    for (const state of states) {
      if (await this.record(tool, state, false)) changed++;
    }
    return changed;
  }

  /** Records one reported state; answers whether an endpoint changed. */
  async record(
    tool: ServingTool,
    state: ServedEndpointState,
    deleted: boolean,
  ): Promise<boolean> {
    const endpoint = await this.endpointOf(tool, state);
    if (!endpoint) return false;
    try {
      return await this.db.transaction(async tx => {
        const current = await this.endpoints.getForUpdate(
          endpoint.asset.id,
          tx,
        );
        if (deleted) {
          const gone: Omit<EndpointObserved, 'observedAt'> = {
            state: 'NotReady',
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                reason: 'NotFound',
                message: `The endpoint's resource ${servingExternalId(
                  state.namespace,
                  state.name,
                )} was deleted from cluster '${
                  tool.cluster
                }' outside llm-ops; deploy again to recreate it`,
                lastTransitionTime: Date.now(),
              },
            ],
            traffic: [],
            latestReadyRevision: null,
            latestRolledOutRevision: null,
          };
          if (
            current.observed.state === 'NotReady' &&
            current.observed.traffic.length === 0 &&
            current.observed.conditions[0]?.reason === 'NotFound'
          ) {
            return false;
          }
          await this.endpoints.recordObserved(current.asset.id, gone, tx);
          return true;
        }
        const observed = await toObserved(state, tx);
        if (
          comparable(observed) === comparable(current.observed) &&
          (!state.url || state.url === current.url) &&
          (!state.namespace || state.namespace === current.namespace)
        ) {
          return false;
        }
        await this.writer.recordState(current.asset.id, tool, state, tx);
        return true;
      });
    } catch (error) {
      // Deleted through llm-ops while the report was on its way.
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /**
   * The endpoint a reported resource belongs to: names are unique among endpoints; the endpoint
   * must run on this adapter's cluster (or name none and be routed to it) and in the reported
   * namespace (or name none yet).
   */
  private async endpointOf(
    tool: ServingTool,
    state: ServedEndpointState,
  ): Promise<Endpoint | undefined> {
    let endpoint: Endpoint;
    try {
      endpoint = await this.endpoints.get(state.name);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    if (endpoint.cluster && endpoint.cluster !== tool.cluster) return undefined;
    if (
      endpoint.namespace &&
      state.namespace &&
      endpoint.namespace !== state.namespace
    ) {
      return undefined;
    }
    let routed: ServingTool | undefined;
    try {
      routed = this.writer.toolFor(endpoint);
    } catch {
      routed = undefined;
    }
    return routed?.adapter.id === tool.adapter.id ? endpoint : undefined;
  }
}
