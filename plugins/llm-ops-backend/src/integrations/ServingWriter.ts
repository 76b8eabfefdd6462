import type { Knex } from 'knex';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  ServedEndpointState,
  ServingAdapter,
  TrafficTarget,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  CHANGE_CLAIM_STALE_AFTER_MS,
  type Endpoint,
  type EndpointInput,
  type EndpointObserved,
  type EndpointPatch,
  type EndpointStore,
} from '../database/EndpointStore';
import type { OutboxEntry, OutboxStore } from '../database/OutboxStore';
import { upsertSourceRef } from '../database/sourceRefs';
import { parseJson } from '../database/conversions';
import type { TrafficEntry } from '../service/traffic';
import type { ClusterTool, Integrations } from './Integrations';
import type { WriteResult } from './TrackingWriter';
import { EndpointWriteSteps, type Staged } from './EndpointWriteSteps';

export type ServingTool = ClusterTool<ServingAdapter>;

/** What `ServingAdapter.apply` takes; also the payload of an `endpoint.apply` outbox entry. */
export type ServingApply = Parameters<ServingAdapter['apply']>[0];
type ServingRef = Parameters<ServingAdapter['remove']>[0];

/** The fields of a PATCH that change what runs on the cluster. */
const REAPPLIED_FIELDS = ['minReplicas', 'maxReplicas', 'modelFormat'] as const;

function fieldError(field: string, message: string) {
  return Object.assign(new InputError(message), { field });
}

/** An observed traffic entry, with the platform's revision when it names one. */
type ObservedTrafficEntry = TrafficEntry & { revision?: string };

/**
 * What a serving platform reports (`ServedEndpointState`) as the endpoint's observed state. The
 * platform names model versions by llm-ops id only; their model name and version number come
 * from the store (empty strings for a version llm-ops does not know).
 */
export async function toObserved(
  state: ServedEndpointState,
  db: Knex,
): Promise<Omit<EndpointObserved, 'observedAt'>> {
  const ids = [
    ...new Set(
      state.traffic
        .map(t => t.modelVersionId)
        .filter((id): id is string => !!id),
    ),
  ];
  const rows =
    ids.length > 0
      ? await db('versions')
          .join('assets', 'assets.id', 'versions.asset_id')
          .whereIn('versions.id', ids)
          .select(
            'versions.id as id',
            'versions.version as version',
            'assets.name as model_name',
          )
      : [];
  const byId = new Map<string, any>(rows.map(r => [r.id, r]));
  const traffic: ObservedTrafficEntry[] = state.traffic.map(t => {
    const row = t.modelVersionId ? byId.get(t.modelVersionId) : undefined;
    return {
      modelVersionId: t.modelVersionId ?? '',
      modelName: row?.model_name ?? '',
      version: row ? String(row.version) : '',
      percent: t.percent,
      role: t.role,
      ...(t.revision ? { revision: t.revision } : {}),
    };
  });
  return {
    state: state.state,
    conditions: state.conditions.map(c => {
      const at = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
      return {
        type: c.type,
        status: c.status,
        reason: c.reason ?? null,
        message: c.message ?? null,
        lastTransitionTime: Number.isFinite(at) ? at : null,
      };
    }),
    traffic,
    latestReadyRevision: state.latestReadyRevision ?? null,
    latestRolledOutRevision: state.latestRolledOutRevision ?? null,
  };
}

/** The endpoint's id as the platform knows it: `<namespace>/<name>`. */
export function servingExternalId(namespace: string | undefined, name: string) {
  return `${namespace ?? ''}/${name}`;
}

/**
 * Writes to serving endpoints whose runtime has a serving integration (KServe: `kserve:<cluster>`
 * adapters), per cluster. The store computes the desired traffic (its rules: one stable version,
 * at most one canary), the desired state goes to the cluster (`apply`, or `remove` for a delete)
 * through the tool's ToolConnection, and what the cluster answered is recorded as observed. No
 * transaction is open during the cluster call, and while it is in flight the endpoint is claimed
 * (other writes to it are a 409): see EndpointWriteSteps. When the cluster is unavailable, or
 * earlier writes for it still wait, the desired change is committed with an outbox entry
 * (`endpoint.apply` / `endpoint.remove`, a full declarative apply each, replayed in order). A
 * 4xx of the API server changes nothing.
 *
 * The builtin runtime, and any runtime no adapter runs, stays a store-only write.
 */
export class ServingWriter {
  private readonly steps: EndpointWriteSteps;

  constructor(
    private readonly db: Knex,
    private readonly endpoints: EndpointStore,
    outbox: OutboxStore,
    private readonly integrations: Integrations,
    options: { claimStaleAfterMs?: number } = {},
  ) {
    this.steps = new EndpointWriteSteps(
      db,
      endpoints,
      outbox,
      options.claimStaleAfterMs ?? CHANGE_CLAIM_STALE_AFTER_MS,
    );
  }

  /**
   * Creates the endpoint; with an initial version it is applied to its cluster at once. It runs
   * in transactions of its own and calls `commit` in the one that makes the outcome final (to
   * record an idempotent answer with it); the endpoint is committed, claimed, before the cluster
   * call and deleted again when the cluster refuses it.
   */
  async create(
    input: EndpointInput,
    commit: (tx: Knex, result: WriteResult<Endpoint>) => Promise<void>,
  ): Promise<WriteResult<Endpoint>> {
    const tool = this.integrations.serving(input.runtime, input.cluster);
    const stage = (tx: Knex) =>
      this.endpoints
        .create(
          tool && !input.cluster ? { ...input, cluster: tool.cluster } : input,
          tx,
        )
        .then(created => this.stageApply(created, tool, tx));
    return this.steps.create(
      stage,
      (current, tx) => this.stageApply(current, tool, tx),
      commit,
    );
  }

  deploy(
    idOrName: string,
    request: { modelVersionId: string; canaryPercent?: number },
  ) {
    return this.change(idOrName, (id, tx) =>
      this.endpoints.deploy(id, request, tx),
    );
  }

  promote(idOrName: string) {
    return this.change(idOrName, (id, tx) => this.endpoints.promote(id, tx));
  }

  rollback(idOrName: string) {
    return this.change(idOrName, (id, tx) => this.endpoints.rollback(id, tx));
  }

  /**
   * Updates the endpoint. A deployed endpoint is applied again when its replicas or model format
   * change; it cannot move to another cluster or namespace (409), since the platform would keep
   * the old resource running.
   */
  async update(
    idOrName: string,
    patch: EndpointPatch,
  ): Promise<WriteResult<Endpoint>> {
    return this.steps.write(idOrName, async (current, tx) => {
      const tool = this.toolFor(current);
      if (tool && current.desired.traffic.length > 0) {
        for (const key of ['cluster', 'namespace'] as const) {
          const wanted = patch[key];
          const now =
            key === 'cluster'
              ? current.cluster ?? tool.cluster
              : current.namespace;
          if (wanted !== undefined && wanted !== now) {
            throw new ConflictError(
              `Endpoint '${current.asset.name}' is deployed on cluster '${
                tool.cluster
              }'${
                current.namespace ? ` in namespace '${current.namespace}'` : ''
              }; it cannot move to another ${key}. Delete it and create it there`,
            );
          }
        }
      }
      const updated = await this.endpoints.update(current.asset.id, patch, tx);
      const before: Record<(typeof REAPPLIED_FIELDS)[number], unknown> = {
        minReplicas: current.desired.minReplicas,
        maxReplicas: current.desired.maxReplicas,
        modelFormat: current.modelFormat,
      };
      const reapply = REAPPLIED_FIELDS.some(
        key => patch[key] !== undefined && patch[key] !== before[key],
      );
      // Routed again: a cluster set on an endpoint not deployed yet must be one that is configured.
      return this.stageApply(updated, this.toolFor(updated), tx, {
        skipApply: !reapply,
      });
    });
  }

  /** Deletes the endpoint; a deployed one is removed from its cluster first. */
  async delete(idOrName: string): Promise<WriteResult<Endpoint>> {
    return this.steps.write(idOrName, async (current, tx) => {
      const tool = this.toolFor(current);
      const deleted = await this.endpoints.delete(current.asset.id, tx);
      if (!tool || current.desired.traffic.length === 0) {
        return { resource: deleted };
      }
      const ref: ServingRef = {
        name: current.asset.name,
        cluster: tool.cluster,
        ...(current.namespace ? { namespace: current.namespace } : {}),
      };
      return {
        resource: deleted,
        send: {
          tool,
          entry: {
            operation: 'endpoint.remove',
            resourceId: current.asset.id,
            payload: { endpoint: ref },
          },
          call: async () => {
            await tool.adapter.remove(ref);
            return undefined;
          },
        },
      };
    });
  }

  /**
   * Replays a queued write (the relay of the entry's integration calls this): answers what to
   * record in the transaction that marks the entry done. An apply for an endpoint deleted since
   * is skipped; its `endpoint.remove` follows in the queue.
   */
  async replay(
    tool: ServingTool,
    entry: OutboxEntry,
  ): Promise<(tx: Knex) => Promise<void>> {
    const payload = entry.payload as { endpoint: ServingApply & ServingRef };
    switch (entry.operation) {
      case 'endpoint.apply': {
        if (!(await this.exists(entry.resourceId, this.db)))
          return async () => {};
        const state = await tool.adapter.apply(payload.endpoint);
        return async tx => {
          if (await this.exists(entry.resourceId, tx)) {
            await this.recordState(entry.resourceId, tool, state, tx);
          }
        };
      }
      case 'endpoint.remove':
        await tool.adapter.remove(payload.endpoint);
        return async () => {};
      default:
        throw Object.assign(
          new Error(`Unknown serving outbox operation '${entry.operation}'`),
          { status: 400 },
        );
    }
  }

  /**
   * Records a state the platform reported for the endpoint: observed state, URL once known, the
   * namespace it runs in, and the platform as the endpoint's source.
   */
  async recordState(
    endpointId: string,
    tool: ServingTool,
    state: ServedEndpointState,
    tx: Knex,
  ): Promise<Endpoint> {
    const observed = await toObserved(state, tx);
    const endpoint = await this.endpoints.recordObserved(
      endpointId,
      observed,
      tx,
      {
        ...(state.url ? { url: state.url } : {}),
        ...(state.namespace ? { namespace: state.namespace } : {}),
      },
    );
    await upsertSourceRef(tx, {
      integration: tool.connection.id,
      resourceType: 'endpoint',
      externalId: servingExternalId(state.namespace, state.name),
      resourceId: endpointId,
      url: state.url,
    });
    return this.endpoints.get(endpoint.asset.id, tx);
  }

  /** The serving integration of an endpoint; undefined for builtin (and runtimes no adapter runs). */
  toolFor(endpoint: Endpoint): ServingTool | undefined {
    return this.integrations.serving(endpoint.runtime, endpoint.cluster);
  }

  /** A change of the desired traffic, applied to the endpoint's cluster. */
  private change(
    idOrName: string,
    storeChange: (endpointId: string, tx: Knex) => Promise<Endpoint>,
  ): Promise<WriteResult<Endpoint>> {
    return this.steps.write(idOrName, async (current, tx) =>
      this.stageApply(
        await storeChange(current.asset.id, tx),
        this.toolFor(current),
        tx,
      ),
    );
  }

  /**
   * Stages sending the endpoint's desired state to its cluster (nothing to send before a
   * version is deployed); pins the cluster an endpoint without one was routed to, so that it
   * stays there.
   */
  private async stageApply(
    endpoint: Endpoint,
    tool: ServingTool | undefined,
    tx: Knex,
    options: { skipApply?: boolean } = {},
  ): Promise<Staged> {
    if (!tool) return { resource: endpoint };
    let current = endpoint;
    if (!current.cluster) {
      current = await this.endpoints.update(
        current.asset.id,
        { cluster: tool.cluster },
        tx,
      );
    }
    if (options.skipApply || current.desired.traffic.length === 0) {
      return { resource: current };
    }
    if (
      current.desired.traffic.some(e => e.role === 'canary') &&
      !tool.adapter.capabilities.has('canary')
    ) {
      throw new ConflictError(
        `${tool.adapter.id} cannot split traffic for a canary; deploy without canaryPercent`,
      );
    }
    const input = await this.applyInput(current, tool, tx);
    const endpointId = current.asset.id;
    return {
      resource: current,
      send: {
        tool,
        entry: {
          operation: 'endpoint.apply',
          resourceId: endpointId,
          payload: { endpoint: input },
        },
        call: async () => {
          const state = await tool.adapter.apply(input);
          return commitTx =>
            this.recordState(endpointId, tool, state, commitTx);
        },
      },
    };
  }

  /** The desired state as the serving contract's traffic targets. */
  private async applyInput(
    endpoint: Endpoint,
    tool: ServingTool,
    tx: Knex,
  ): Promise<ServingApply> {
    const ids = endpoint.desired.traffic.map(e => e.modelVersionId);
    const rows = await tx('versions').whereIn('id', ids).select('id', 'spec');
    const uris = new Map<string, string>(
      rows.map(r => [
        r.id,
        String(
          parseJson<Record<string, unknown>>(r.spec, {}).artifactUri ?? '',
        ),
      ]),
    );
    const traffic: TrafficTarget[] = endpoint.desired.traffic.map(e => {
      const storageUri = uris.get(e.modelVersionId)?.trim();
      if (!storageUri) {
        throw fieldError(
          'modelVersionId',
          `${e.modelName} version ${e.version} has no artifactUri; the serving platform needs one to load the model`,
        );
      }
      return {
        storageUri,
        modelFormat: endpoint.modelFormat,
        modelVersionId: e.modelVersionId,
        percent: e.percent,
        role: e.role,
      };
    });
    return {
      name: endpoint.asset.name,
      cluster: tool.cluster,
      ...(endpoint.namespace ? { namespace: endpoint.namespace } : {}),
      minReplicas: endpoint.desired.minReplicas,
      maxReplicas: endpoint.desired.maxReplicas,
      traffic,
    };
  }

  private async exists(endpointId: string, db: Knex): Promise<boolean> {
    try {
      await this.endpoints.get(endpointId, db);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }
}
