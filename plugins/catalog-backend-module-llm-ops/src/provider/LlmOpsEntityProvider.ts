import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { AssetIndex, ASSET_KINDS } from './AssetIndex';
import { type Claims, LOCATION_TYPE, readClaims } from './claims';
import { type LlmOpsProviderConfig, readProviderConfig } from './config';
import { entityNameFor, shortHash } from './entityNames';
import { LlmOpsApiClient } from './LlmOpsApiClient';
import { buildEntity, kindOf, type BuildContext } from './read';
import type { AnyAsset, AssetKind } from './types';

const PROVIDER_NAME = 'llm-ops-provider';
/** Changes are re-read this far behind the newest one seen, for writes committed out of order. */
const DELTA_OVERLAP_MS = 10_000;
/** The most changes of one kind a delta pass reads; more wait for the next pass or full sync. */
const DELTA_PAGE_SIZE = 100;
const DELTA_MAX_PAGES = 10;

/** What the provider last emitted for an asset. */
type Emitted = {
  kind: AssetKind;
  ref: string;
  name: string;
  updatedAt: string;
  /** A hand-written entity describes the asset, so the provider emits none. */
  claimed?: boolean;
};

/** State of the last full sync, which delta passes build on. */
type SyncState = {
  index: AssetIndex;
  claims: Claims;
  emitted: Map<string, Emitted>;
  /** Entity name to llm-ops id, per kind: the names taken. */
  names: Map<AssetKind, Map<string, string>>;
  /** Changes at or after this time (ms) are (re)examined by the next delta pass. */
  watermark: number;
  locationRef: string;
};

/** Options of {@link LlmOpsEntityProvider.create}. @public */
export type LlmOpsEntityProviderOptions = {
  config: Config;
  logger: LoggerService;
  discovery: DiscoveryService;
  auth: AuthService;
  catalog: CatalogService;
  scheduler: SchedulerService;
};

/**
 * Mirrors the llm-ops store into the catalog: every active experiment, model, dataset, endpoint
 * and pipeline becomes an entity of the kind of the same name, with its lineage as relations.
 *
 * A full mutation runs on `catalog.providers.llmOps.schedule` (default every 5 minutes) and
 * removes what left the store; between them, a delta pass polls for assets changed since the
 * last one (`deltaFrequency`, default 5 seconds) and upserts or removes just those. Assets that a
 * hand-written entity claims (annotation `llm-ops.io/id`, or the same kind and name) are not
 * emitted, so the catalog never holds the same asset twice.
 *
 * @public
 */
export class LlmOpsEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private state?: SyncState;
  /** Full and delta passes take turns, so a delta never races a full mutation. */
  private queue: Promise<unknown> = Promise.resolve();
  private requests = 0;
  private readonly client: LlmOpsApiClient;

  static create(options: LlmOpsEntityProviderOptions): LlmOpsEntityProvider {
    const config = readProviderConfig(options.config);
    const taskRunner = options.scheduler.createScheduledTaskRunner(
      config.schedule,
    );
    return new LlmOpsEntityProvider(options, config, taskRunner);
  }

  private constructor(
    private readonly options: LlmOpsEntityProviderOptions,
    private readonly config: LlmOpsProviderConfig,
    private readonly taskRunner: SchedulerServiceTaskRunner,
  ) {
    this.client = new LlmOpsApiClient({
      discovery: options.discovery,
      auth: options.auth,
      onRequest: () => {
        this.requests++;
      },
    });
  }

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    const logger = this.options.logger.child({ target: PROVIDER_NAME });
    await this.taskRunner.run({
      id: `${PROVIDER_NAME}:refresh`,
      fn: async () => {
        try {
          await this.refresh(logger);
        } catch (error) {
          logger.error(
            `${PROVIDER_NAME} full sync failed, ${error}`,
            error as Error,
          );
        }
      },
    });
    if (this.config.deltaFrequencyMs > 0) {
      // Local to each instance: deltas build on the state this instance's last full sync left.
      await this.options.scheduler.scheduleTask({
        id: `${PROVIDER_NAME}:delta`,
        scope: 'local',
        frequency: { milliseconds: this.config.deltaFrequencyMs },
        timeout: { minutes: 5 },
        fn: async () => {
          try {
            await this.applyChanges(logger);
          } catch (error) {
            logger.warn(
              `${PROVIDER_NAME} delta sync failed, ${error}`,
              error as Error,
            );
          }
        },
      });
    }
  }

  /** Reads the whole store and replaces everything this provider emitted. */
  refresh(logger: LoggerService = this.options.logger): Promise<void> {
    return this.exclusive(() => this.fullSync(logger));
  }

  /** Emits what changed in the store since the last pass (after at least one full sync). */
  applyChanges(logger: LoggerService = this.options.logger): Promise<void> {
    return this.exclusive(() => this.deltaSync(logger));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error(`${PROVIDER_NAME} is not connected to the catalog yet`);
    }
    return this.connection;
  }

  private async fullSync(logger: LoggerService) {
    const connection = this.requireConnection();
    const started = Date.now();
    const requestsBefore = this.requests;
    const [index, claims, baseUrl] = await Promise.all([
      AssetIndex.load(this.client, logger),
      readClaims(this.options.catalog, this.options.auth),
      this.client.baseUrl(),
    ]);
    const state: SyncState = {
      index,
      claims,
      emitted: new Map(),
      names: new Map(ASSET_KINDS.map(k => [k, new Map()])),
      watermark: started - DELTA_OVERLAP_MS,
      locationRef: `${LOCATION_TYPE}:${baseUrl}`,
    };
    // Names first (oldest asset first, so a clash renames the newcomer), then entities: an
    // entity's relations name other entities.
    const items = [...index.assets.values()].sort(
      (a, b) =>
        a.asset.createdAt.localeCompare(b.asset.createdAt) ||
        a.asset.id.localeCompare(b.asset.id),
    );
    for (const item of items) this.assignName(state, item);
    const ctx = this.contextOf(state);
    const entities: DeferredEntity[] = [];
    let claimed = 0;
    for (const item of items) {
      const emitted = state.emitted.get(item.asset.id)!;
      if (this.isClaimed(state, item, emitted.ref)) {
        emitted.claimed = true;
        claimed++;
        continue;
      }
      const entity = buildEntity(
        item,
        emitted.name,
        await index.linksOf(item),
        ctx,
      );
      entities.push({ entity, locationKey: PROVIDER_NAME });
    }
    await connection.applyMutation({ type: 'full', entities });
    this.state = state;
    logger.info(
      `${PROVIDER_NAME} emitted ${
        entities.length
      } entities (${claimed} claimed by hand-written entities) in ${
        (Date.now() - started) / 1000
      } seconds with ${this.requests - requestsBefore} llm-ops API requests`,
    );
  }

  private async deltaSync(logger: LoggerService) {
    const state = this.state;
    if (!state) return; // the first full sync has not finished
    const connection = this.requireConnection();
    const passStarted = Date.now();
    const changed: AnyAsset[] = [];
    let newest = state.watermark;
    // Datasets and models first: experiments, endpoints and pipelines refer to their versions.
    for (const kind of ASSET_KINDS) {
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string> = {
          orderBy: '-updatedAt',
          pageSize: String(DELTA_PAGE_SIZE),
          ...(kind === 'experiment' ? { lifecycle: 'all' } : {}),
          ...(cursor ? { cursor } : {}),
        };
        const page = await this.client.listPage<AnyAsset['asset']>(kind, query);
        let older = false;
        for (const asset of page.items) {
          const updatedAt = Date.parse(asset.updatedAt);
          if (updatedAt < state.watermark) {
            older = true;
            break;
          }
          newest = Math.max(newest, updatedAt);
          const before = state.emitted.get(asset.id);
          const known = state.index.assets.get(asset.id);
          const seen = before?.updatedAt ?? known?.asset.updatedAt;
          if (seen === asset.updatedAt) continue;
          if (!known && asset.lifecycle === 'deleted') continue;
          changed.push({ kind, asset } as AnyAsset);
        }
        cursor = older ? null : page.nextCursor;
        pages++;
      } while (cursor && pages < DELTA_MAX_PAGES);
    }
    if (changed.length === 0) {
      state.watermark = Math.max(
        state.watermark,
        Math.min(newest, passStarted) - DELTA_OVERLAP_MS,
      );
      return;
    }

    const added: DeferredEntity[] = [];
    const removed: Array<{ entityRef: string; locationKey: string }> = [];
    const ctx = this.contextOf(state);
    for (const item of changed) {
      const id = item.asset.id;
      const before = state.emitted.get(id);
      if (item.asset.lifecycle === 'deleted') {
        state.index.delete(id);
        if (before) {
          if (!before.claimed) {
            removed.push({ entityRef: before.ref, locationKey: PROVIDER_NAME });
          }
          state.emitted.delete(id);
          state.names.get(before.kind)!.delete(before.name);
        }
        continue;
      }
      await state.index.refresh(item);
      const now = this.assignName(state, item);
      if (before && !before.claimed && before.ref !== now.ref) {
        // Renamed in the store: the entity of the old name goes.
        removed.push({ entityRef: before.ref, locationKey: PROVIDER_NAME });
      }
      if (this.isClaimed(state, item, now.ref)) {
        now.claimed = true;
        if (before && !before.claimed && before.ref === now.ref) {
          removed.push({ entityRef: before.ref, locationKey: PROVIDER_NAME });
        }
        continue;
      }
      added.push({
        entity: buildEntity(
          item,
          now.name,
          await state.index.linksOf(item),
          ctx,
        ),
        locationKey: PROVIDER_NAME,
      });
    }
    if (added.length || removed.length) {
      await connection.applyMutation({ type: 'delta', added, removed });
      logger.info(
        `${PROVIDER_NAME} delta: ${added.length} upserted, ${removed.length} removed`,
      );
    }
    state.watermark = Math.max(
      state.watermark,
      Math.min(newest, passStarted) - DELTA_OVERLAP_MS,
    );
  }

  /**
   * The entity name of an asset, unique per kind: entityNameFor, or, in the rare case it is
   * taken by another asset, that name with a second hash of the id.
   */
  private assignName(state: SyncState, item: AnyAsset): Emitted {
    const { kind, asset } = item;
    const taken = state.names.get(kind)!;
    const previous = state.emitted.get(asset.id);
    if (previous && previous.kind === kind) taken.delete(previous.name);
    let name = entityNameFor(asset);
    const holder = taken.get(name);
    if (holder && holder !== asset.id) {
      name = `${name.slice(0, 63 - 9).replace(/-+$/, '')}-${shortHash(
        `${asset.id}:1`,
      )}`;
    }
    taken.set(name, asset.id);
    const emitted: Emitted = {
      kind,
      name,
      ref: stringifyEntityRef({
        kind: kindOf[kind],
        namespace: 'default',
        name,
      }),
      updatedAt: asset.updatedAt,
    };
    state.emitted.set(asset.id, emitted);
    return emitted;
  }

  private isClaimed(state: SyncState, item: AnyAsset, ref: string) {
    return (
      state.claims.byId.has(item.asset.id) ||
      state.claims.refs.has(ref.toLocaleLowerCase('en-US'))
    );
  }

  private contextOf(state: SyncState): BuildContext {
    return {
      locationRef: state.locationRef,
      defaultOwner: this.config.defaultOwner,
      refOf: (kind, id) => {
        const claimedBy = state.claims.byId.get(id);
        if (claimedBy) return claimedBy;
        const emitted = state.emitted.get(id);
        return emitted && emitted.kind === kind ? emitted.ref : undefined;
      },
    };
  }
}
