import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { AssetStore, type Asset, type AssetListOptions } from './AssetStore';
import { parseJson } from './conversions';
import { addLineageEdges, removeLineageEdges } from './lineage';
import {
  deployCanary,
  deployStable,
  promoteCanary,
  rollbackCanary,
  servedVersionIds,
  type ServedVersion,
  type Traffic,
} from '../service/traffic';

export type EndpointRuntime = 'kserve' | 'ray-serve' | 'builtin';

/**
 * The model format an endpoint's platform loads when none is given (KServe's
 * `modelFormat.name`): llm-ops serves LLMs, which KServe runs with its Hugging Face runtime.
 */
export const DEFAULT_MODEL_FORMAT = 'huggingface';

const MODEL_FORMAT = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export type EndpointCondition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string | null;
  message: string | null;
  /** ms since epoch */
  lastTransitionTime: number | null;
};

/** What the serving platform last reported (for builtin, the store itself). */
export type EndpointObserved = {
  state: 'Ready' | 'NotReady' | 'Unknown';
  conditions: EndpointCondition[];
  traffic: Traffic;
  latestReadyRevision: string | null;
  latestRolledOutRevision: string | null;
  /** ms since epoch */
  observedAt: number | null;
};

export type EndpointDesired = {
  traffic: Traffic;
  minReplicas: number;
  maxReplicas: number;
};

/** An asset of kind 'endpoint'; its spec JSON holds the desired state, its status the observed. */
export type Endpoint = {
  asset: Asset;
  runtime: EndpointRuntime;
  /** What the platform loads the versions as (KServe `modelFormat.name`). */
  modelFormat: string;
  cluster: string | null;
  namespace: string | null;
  url: string | null;
  desired: EndpointDesired;
  observed: EndpointObserved;
  /** Bumped on every change of the desired traffic; builtin revisions are named after it. */
  generation: number;
};

export type EndpointInput = {
  name: string;
  description?: string;
  owner?: string;
  tags?: Record<string, string>;
  runtime: EndpointRuntime;
  cluster?: string | null;
  namespace?: string | null;
  url?: string | null;
  minReplicas?: number;
  maxReplicas?: number;
  modelVersionId?: string;
  modelFormat?: string;
};

export type EndpointPatch = {
  description?: string | null;
  owner?: string | null;
  tags?: Record<string, string>;
  cluster?: string | null;
  namespace?: string | null;
  url?: string | null;
  minReplicas?: number;
  maxReplicas?: number;
  modelFormat?: string;
};

export type EndpointListOptions = Omit<AssetListOptions, 'lifecycle'>;

/**
 * How long a claim on an endpoint (see `EndpointStore.claimChange`) holds. Far longer than one
 * call to a serving platform may take under its tool policy (timeout per attempt, retries), so
 * that only a claim whose holder died mid-call runs out.
 */
export const CHANGE_CLAIM_STALE_AFTER_MS = 5 * 60_000;

/** Where in the endpoint's spec JSON the claim is kept; the API never shows it. */
const CHANGE_CLAIM = 'changeClaim';

type ChangeClaim = { token: string; since: number };

const MAX_REPLICAS = 100;

function fieldError(field: string, message: string) {
  return Object.assign(new InputError(message), { field });
}

/** `tags.key` is varchar(250); OpenAPI 3.0 cannot bound object keys, so check them here. */
const MAX_TAG_KEY = 250;

function checkTagKeys(tags: Record<string, string> | undefined): void {
  for (const key of Object.keys(tags ?? {})) {
    if (key.length === 0 || key.length > MAX_TAG_KEY) {
      throw fieldError(
        'tags',
        `Tag keys must be 1 to ${MAX_TAG_KEY} characters long`,
      );
    }
  }
}

function checkModelFormat(modelFormat: string | undefined) {
  if (modelFormat !== undefined && !MODEL_FORMAT.test(modelFormat)) {
    throw fieldError(
      'modelFormat',
      `modelFormat must be 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    );
  }
}

const UNKNOWN_OBSERVED: EndpointObserved = {
  state: 'Unknown',
  conditions: [],
  traffic: [],
  latestReadyRevision: null,
  latestRolledOutRevision: null,
  observedAt: null,
};

function checkReplicas(minReplicas: number, maxReplicas: number) {
  for (const [field, value] of [
    ['minReplicas', minReplicas],
    ['maxReplicas', maxReplicas],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_REPLICAS) {
      throw fieldError(
        field,
        `${field} must be a whole number from 0 to ${MAX_REPLICAS}`,
      );
    }
  }
  if (minReplicas > maxReplicas) {
    throw fieldError(
      'minReplicas',
      `minReplicas (${minReplicas}) must not exceed maxReplicas (${maxReplicas})`,
    );
  }
}

/**
 * For the builtin runtime the store is the serving platform: what is desired is observed at
 * once. Ready when some version takes traffic; the Ready condition keeps its transition time
 * while its status does not change.
 */
export function builtinObserved(
  name: string,
  traffic: Traffic,
  generation: number,
  previous: EndpointObserved,
  now: number,
): EndpointObserved {
  const ready = traffic.length > 0;
  const status = ready ? 'True' : 'False';
  const before = previous.conditions.find(c => c.type === 'Ready');
  const revision =
    generation > 0 ? `${name}-${String(generation).padStart(5, '0')}` : null;
  return {
    state: ready ? 'Ready' : 'NotReady',
    conditions: [
      {
        type: 'Ready',
        status,
        reason: ready ? 'TrafficServed' : 'NoModelVersion',
        message: ready
          ? `Serving ${traffic
              .map(e => `${e.modelName} version ${e.version} (${e.percent}%)`)
              .join(', ')}`
          : 'No model version is deployed',
        lastTransitionTime:
          before?.status === status ? before.lastTransitionTime : now,
      },
    ],
    traffic: traffic.map(e => ({ ...e })),
    latestReadyRevision: ready ? revision : previous.latestReadyRevision,
    latestRolledOutRevision: revision,
    observedAt: now,
  };
}

/**
 * Serving endpoints: assets of kind 'endpoint' with their desired traffic (spec) and what the
 * platform reports (status). Every change of the traffic keeps the `endpoint --serves-->
 * model-version` lineage edges equal to the versions in the desired traffic, in the caller's
 * transaction.
 */
export class EndpointStore {
  private readonly assets: AssetStore;

  constructor(private readonly db: Knex, assets?: AssetStore) {
    this.assets = assets ?? new AssetStore(db);
  }

  async create(input: EndpointInput, tx: Knex = this.db): Promise<Endpoint> {
    checkTagKeys(input.tags);
    const maxReplicas =
      input.maxReplicas ?? Math.max(input.minReplicas ?? 1, 1);
    const minReplicas = input.minReplicas ?? Math.min(1, maxReplicas);
    checkReplicas(minReplicas, maxReplicas);
    checkModelFormat(input.modelFormat);
    const traffic = input.modelVersionId
      ? deployStable(
          [],
          await this.resolveModelVersion(input.modelVersionId, tx),
        )
      : [];
    const generation = traffic.length > 0 ? 1 : 0;
    const now = Date.now();
    const observed =
      input.runtime === 'builtin'
        ? builtinObserved(
            input.name,
            traffic,
            generation,
            UNKNOWN_OBSERVED,
            now,
          )
        : UNKNOWN_OBSERVED;
    const asset = await this.assets.create(
      'endpoint',
      {
        name: input.name,
        description: input.description,
        owner: input.owner,
        tags: input.tags,
        spec: {
          runtime: input.runtime,
          modelFormat: input.modelFormat ?? DEFAULT_MODEL_FORMAT,
          cluster: input.cluster ?? null,
          namespace: input.namespace ?? null,
          url: input.url ?? null,
          traffic,
          minReplicas,
          maxReplicas,
          generation,
        },
        status: observed,
      },
      tx,
    );
    await this.syncServesEdges(asset.id, traffic, tx);
    return toEndpoint(asset);
  }

  async get(idOrName: string, tx: Knex = this.db): Promise<Endpoint> {
    return toEndpoint(await this.assets.get('endpoint', idOrName, tx));
  }

  /** The endpoint, locked until the transaction ends (PostgreSQL), for a read-modify-write. */
  async getForUpdate(idOrName: string, tx: Knex): Promise<Endpoint> {
    return this.lockedGet(idOrName, tx);
  }

  async list(
    options: EndpointListOptions,
  ): Promise<{ items: Endpoint[]; nextCursor: string | null }> {
    const page = await this.assets.list('endpoint', {
      ...options,
      lifecycle: 'active',
    });
    return { items: page.items.map(toEndpoint), nextCursor: page.nextCursor };
  }

  async update(
    idOrName: string,
    patch: EndpointPatch,
    tx: Knex = this.db,
  ): Promise<Endpoint> {
    checkTagKeys(patch.tags);
    const current = await this.lockedGet(idOrName, tx);
    const minReplicas = patch.minReplicas ?? current.desired.minReplicas;
    const maxReplicas = patch.maxReplicas ?? current.desired.maxReplicas;
    checkReplicas(minReplicas, maxReplicas);
    checkModelFormat(patch.modelFormat);
    const spec: Record<string, unknown> = { minReplicas, maxReplicas };
    for (const key of ['cluster', 'namespace', 'url', 'modelFormat'] as const) {
      if (patch[key] !== undefined) spec[key] = patch[key];
    }
    const asset = await this.assets.update(
      'endpoint',
      current.asset.id,
      {
        description: patch.description,
        owner: patch.owner,
        tags: patch.tags,
        spec,
      },
      tx,
    );
    return toEndpoint(asset);
  }

  /** Removes the endpoint, its tags, source references and lineage edges. */
  async delete(idOrName: string, tx: Knex = this.db): Promise<Endpoint> {
    return toEndpoint(await this.assets.hardDelete('endpoint', idOrName, tx));
  }

  /** Rolls a model version out: stable with all the traffic, or a canary at `canaryPercent`. */
  async deploy(
    idOrName: string,
    request: { modelVersionId: string; canaryPercent?: number },
    tx: Knex,
  ): Promise<Endpoint> {
    const current = await this.lockedGet(idOrName, tx);
    const version = await this.resolveModelVersion(request.modelVersionId, tx);
    const traffic =
      request.canaryPercent === undefined
        ? deployStable(current.desired.traffic, version)
        : deployCanary(current.desired.traffic, version, request.canaryPercent);
    return this.writeTraffic(current, traffic, tx);
  }

  async promote(idOrName: string, tx: Knex): Promise<Endpoint> {
    const current = await this.lockedGet(idOrName, tx);
    return this.writeTraffic(
      current,
      promoteCanary(current.desired.traffic),
      tx,
    );
  }

  async rollback(idOrName: string, tx: Knex): Promise<Endpoint> {
    const current = await this.lockedGet(idOrName, tx);
    return this.writeTraffic(
      current,
      rollbackCanary(current.desired.traffic),
      tx,
    );
  }

  /**
   * What a serving integration reports (KServe InferenceService status, Ray Serve application
   * status). The desired state and the lineage stay as they are. `changes` records where the
   * platform put the endpoint (its URL, and the cluster and namespace an adapter chose when the
   * endpoint named none).
   */
  async recordObserved(
    idOrName: string,
    observed: Omit<EndpointObserved, 'observedAt'> & { observedAt?: number },
    tx: Knex = this.db,
    changes: {
      url?: string | null;
      cluster?: string | null;
      namespace?: string | null;
    } = {},
  ): Promise<Endpoint> {
    const current = await this.lockedGet(idOrName, tx);
    const spec: Record<string, unknown> = {};
    for (const key of ['url', 'cluster', 'namespace'] as const) {
      if (changes[key] !== undefined) spec[key] = changes[key];
    }
    const asset = await this.assets.update(
      'endpoint',
      current.asset.id,
      {
        status: { ...observed, observedAt: observed.observedAt ?? Date.now() },
        ...(Object.keys(spec).length > 0 ? { spec } : {}),
      },
      tx,
    );
    return toEndpoint(asset);
  }

  /**
   * Claims the endpoint for one change that goes to its serving platform while no transaction
   * is open (ServingWriter): the claim is committed before the call and released with the
   * call's outcome; meanwhile every other change of the endpoint is a 409, so two changes
   * cannot both reach the platform and one of them be lost. A claim older than `staleAfterMs`
   * was left by a process that died mid-call and is taken over. Call it with the endpoint
   * locked (`getForUpdate`, in `tx`); answers the claim's token.
   */
  async claimChange(
    endpoint: Endpoint,
    tx: Knex,
    staleAfterMs = CHANGE_CLAIM_STALE_AFTER_MS,
  ): Promise<string> {
    this.assertUnclaimed(endpoint, staleAfterMs);
    const token = randomUUID();
    await this.writeClaim(endpoint.asset.id, { token, since: Date.now() }, tx);
    return token;
  }

  /** A 409 while another change of the endpoint waits for its serving platform (`claimChange`). */
  assertUnclaimed(
    endpoint: Endpoint,
    staleAfterMs = CHANGE_CLAIM_STALE_AFTER_MS,
  ): void {
    const claim = claimOf(endpoint);
    if (claim && Date.now() - claim.since < staleAfterMs) {
      throw new ConflictError(
        `Endpoint '${endpoint.asset.name}' is being changed by another request, which waits for its serving platform; retry when it has finished`,
      );
    }
  }

  /** Whether the claim `token` still holds the endpoint (a stale one may have been taken over). */
  holdsClaim(endpoint: Endpoint, token: string): boolean {
    return claimOf(endpoint)?.token === token;
  }

  /** Ends the claim `token`; an endpoint deleted since, or claimed by another since, is left alone. */
  async releaseChange(
    endpointId: string,
    token: string,
    tx: Knex,
  ): Promise<void> {
    let current: Endpoint;
    try {
      current = await this.lockedGet(endpointId, tx);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
    if (this.holdsClaim(current, token)) {
      await this.writeClaim(endpointId, undefined, tx);
    }
  }

  /**
   * A model version by llm-ops id: a `versions` row whose asset is a model. Anything else is a
   * 400 naming `field`.
   */
  async resolveModelVersion(
    modelVersionId: string,
    tx: Knex = this.db,
    field = 'modelVersionId',
  ): Promise<ServedVersion> {
    const row = await tx('versions')
      .join('assets', 'assets.id', 'versions.asset_id')
      .where('versions.id', modelVersionId)
      .andWhere('assets.kind', 'model')
      .first(
        'versions.id as id',
        'versions.version as version',
        'assets.name as model_name',
        'assets.lifecycle as lifecycle',
      );
    if (!row) {
      throw fieldError(field, `No model version with id '${modelVersionId}'`);
    }
    if (row.lifecycle === 'deleted') {
      throw fieldError(
        field,
        `Model '${row.model_name}' of version '${modelVersionId}' is deleted`,
      );
    }
    return {
      modelVersionId: row.id,
      modelName: row.model_name,
      version: String(row.version),
    };
  }

  private async writeTraffic(
    current: Endpoint,
    traffic: Traffic,
    tx: Knex,
  ): Promise<Endpoint> {
    const generation = current.generation + 1;
    const status =
      current.runtime === 'builtin'
        ? builtinObserved(
            current.asset.name,
            traffic,
            generation,
            current.observed,
            Date.now(),
          )
        : undefined;
    const asset = await this.assets.update(
      'endpoint',
      current.asset.id,
      { spec: { traffic, generation }, ...(status ? { status } : {}) },
      tx,
    );
    await this.syncServesEdges(current.asset.id, traffic, tx);
    return toEndpoint(asset);
  }

  /** The serves edges of the endpoint become exactly the versions in `traffic`. */
  private async syncServesEdges(
    endpointId: string,
    traffic: Traffic,
    tx: Knex,
  ): Promise<void> {
    const wanted = servedVersionIds(traffic);
    const existing: string[] = (
      await tx('lineage_edges')
        .where({ from_id: endpointId, relation: 'serves' })
        .select('to_id')
    ).map(r => r.to_id);
    const stale = existing.filter(id => !wanted.includes(id));
    if (stale.length > 0) {
      await removeLineageEdges(tx, endpointId, 'serves', stale);
    }
    await addLineageEdges(
      tx,
      wanted
        .filter(id => !existing.includes(id))
        .map(toId => ({
          fromType: 'endpoint' as const,
          fromId: endpointId,
          relation: 'serves' as const,
          toType: 'model-version' as const,
          toId,
        })),
    );
  }

  /**
   * Sets or clears the claim in the spec as it is now. Not a change anyone sees: `updated_at`
   * stays, so lists, sync and the catalog do not take it for one.
   */
  private async writeClaim(
    endpointId: string,
    claim: ChangeClaim | undefined,
    tx: Knex,
  ): Promise<void> {
    const row = await tx('assets').where({ id: endpointId }).first('spec');
    const spec = parseJson<Record<string, unknown>>(row?.spec, {});
    if (claim) spec[CHANGE_CLAIM] = claim;
    else delete spec[CHANGE_CLAIM];
    await tx('assets')
      .where({ id: endpointId })
      .update({ spec: JSON.stringify(spec) });
  }

  /**
   * Reads the endpoint for a read-modify-write. On PostgreSQL the row is locked until the
   * transaction ends, so concurrent deploys apply one after the other instead of one
   * overwriting the other; SQLite serialises writers anyway.
   */
  private async lockedGet(idOrName: string, tx: Knex): Promise<Endpoint> {
    const found = await this.assets.get('endpoint', idOrName, tx);
    if (!tx.client.config.client.includes('sqlite')) {
      await tx('assets').where({ id: found.id }).forUpdate().select('id');
      return this.get(found.id, tx);
    }
    return toEndpoint(found);
  }
}

function claimOf(endpoint: Endpoint): ChangeClaim | undefined {
  const claim = (endpoint.asset.spec as Record<string, unknown>)[CHANGE_CLAIM];
  return claim && typeof claim === 'object'
    ? (claim as ChangeClaim)
    : undefined;
}

function toEndpoint(asset: Asset): Endpoint {
  const spec = asset.spec as Record<string, any>;
  const status = asset.status as Partial<EndpointObserved>;
  return {
    asset,
    runtime: spec.runtime ?? 'builtin',
    modelFormat: spec.modelFormat ?? DEFAULT_MODEL_FORMAT,
    cluster: spec.cluster ?? null,
    namespace: spec.namespace ?? null,
    url: spec.url ?? null,
    desired: {
      traffic: spec.traffic ?? [],
      minReplicas: spec.minReplicas ?? 1,
      maxReplicas: spec.maxReplicas ?? 1,
    },
    observed: {
      state: status.state ?? 'Unknown',
      conditions: status.conditions ?? [],
      traffic: status.traffic ?? [],
      latestReadyRevision: status.latestReadyRevision ?? null,
      latestRolledOutRevision: status.latestRolledOutRevision ?? null,
      observedAt: status.observedAt ?? null,
    },
    generation: spec.generation ?? 0,
  };
}
