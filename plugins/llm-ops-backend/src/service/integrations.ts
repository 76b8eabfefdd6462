import type { Freshness, FreshnessService } from './freshness';

/** The tool categories of the suite (the same list as `IntegrationCategory` in llm-ops-node). */
export type IntegrationCategory =
  | 'experiment-tracking'
  | 'model-registry'
  | 'serving'
  | 'orchestration'
  | 'data-versioning';

export const INTEGRATION_CATEGORIES: readonly IntegrationCategory[] = [
  'experiment-tracking',
  'model-registry',
  'serving',
  'orchestration',
  'data-versioning',
];

export type IntegrationState = 'up' | 'degraded' | 'down';

/** What GET /v1/integrations shows for one tool (or the built-in store). */
export type IntegrationStatus = {
  /** Unique among the integrations, e.g. `mlflow:prod`. */
  id: string;
  /** The tool, e.g. builtin, mlflow, kserve, argo. */
  type: string;
  categories: IntegrationCategory[];
  enabled: boolean;
  state: IntegrationState;
  /** The last error the tool answered with, without secrets. */
  lastError: string | null;
  lastSuccessfulSyncAt: Date | null;
  /** When the integration entered its current state. */
  since: Date | null;
  /** Writes waiting in the outbox for the tool to come back. */
  outboxDepth: number;
};

/**
 * What a tool module registers. `describe` answers from what the module last learned (its sync
 * loop, health checks, outbox); it must not call the tool, since it runs on the request path.
 * `id`, `type` and `categories`, when given, describe the integration if `describe` fails.
 */
export interface IntegrationStatusProvider {
  readonly id?: string;
  readonly type?: string;
  readonly categories?: readonly IntegrationCategory[];
  describe(): Promise<IntegrationStatus>;
}

/** Which integration category keeps each resource type of the API fresh. */
const categoryByResource: Record<string, IntegrationCategory> = {
  experiment: 'experiment-tracking',
  run: 'experiment-tracking',
  model: 'model-registry',
  dataset: 'data-versioning',
  endpoint: 'serving',
  pipeline: 'orchestration',
  'pipeline-run': 'orchestration',
};

export const BUILTIN_INTEGRATION_ID = 'builtin';

/**
 * Keeps the status of a tool integration from what its module observes, so `describe` never
 * has to call the tool: a success makes it up; failures make it degraded, and down after
 * `downAfterFailures` in a row. `since` moves only when the state changes.
 */
export class IntegrationStatusTracker implements IntegrationStatusProvider {
  readonly id: string;
  readonly type: string;
  readonly categories: readonly IntegrationCategory[];
  private readonly enabled: boolean;
  private readonly downAfterFailures: number;
  private readonly clock: () => Date;
  private state: IntegrationState = 'up';
  private since: Date;
  private lastError: string | null = null;
  private lastSuccessfulSyncAt: Date | null = null;
  private consecutiveFailures = 0;
  private outboxDepth = 0;

  constructor(options: {
    id: string;
    type: string;
    categories: readonly IntegrationCategory[];
    enabled?: boolean;
    downAfterFailures?: number;
    clock?: () => Date;
  }) {
    this.id = options.id;
    this.type = options.type;
    this.categories = [...options.categories];
    this.enabled = options.enabled ?? true;
    this.downAfterFailures = Math.max(1, options.downAfterFailures ?? 3);
    this.clock = options.clock ?? (() => new Date());
    this.since = this.clock();
  }

  /** A sync (or health check) succeeded. */
  recordSuccess(at: Date = this.clock()): void {
    this.consecutiveFailures = 0;
    this.lastSuccessfulSyncAt = at;
    this.moveTo('up', at);
  }

  /** A sync (or health check) failed; pass a message without secrets. */
  recordFailure(error: unknown, at: Date = this.clock()): void {
    this.consecutiveFailures += 1;
    const message =
      error instanceof Error ? error.message : String(error ?? 'Unknown error');
    this.lastError = message.slice(0, 1000);
    this.moveTo(
      this.consecutiveFailures >= this.downAfterFailures ? 'down' : 'degraded',
      at,
    );
  }

  setOutboxDepth(depth: number): void {
    this.outboxDepth = Math.max(0, Math.floor(depth));
  }

  async describe(): Promise<IntegrationStatus> {
    return {
      id: this.id,
      type: this.type,
      categories: [...this.categories],
      enabled: this.enabled,
      state: this.state,
      lastError: this.lastError,
      lastSuccessfulSyncAt: this.lastSuccessfulSyncAt,
      since: this.since,
      outboxDepth: this.outboxDepth,
    };
  }

  private moveTo(state: IntegrationState, at: Date) {
    if (state !== this.state) {
      this.state = state;
      this.since = at;
    }
  }
}

/**
 * Every integration of the suite and how it is doing. The built-in store is always listed
 * first: with no tool configured it is the one integration, serving all five categories. Tool
 * modules `register` a provider each (typically an IntegrationStatusTracker).
 */
export class IntegrationRegistry {
  private readonly providers: IntegrationStatusProvider[] = [];
  private readonly clock: () => Date;
  private readonly describeTimeoutMs: number;
  private readonly startedAt: Date;
  /** When a provider's describe started failing, to report `since` for it. */
  private readonly failingSince = new Map<IntegrationStatusProvider, Date>();

  constructor(
    options: { clock?: () => Date; describeTimeoutMs?: number } = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.describeTimeoutMs = options.describeTimeoutMs ?? 2000;
    this.startedAt = this.clock();
  }

  /** Adds a tool integration; ids are unique, and `builtin` is taken. */
  register(provider: IntegrationStatusProvider): void {
    if (provider.id !== undefined) {
      if (provider.id === BUILTIN_INTEGRATION_ID) {
        throw new Error(`Integration id '${provider.id}' is reserved`);
      }
      if (this.providers.some(p => p.id === provider.id)) {
        throw new Error(
          `An integration with id '${provider.id}' is already registered`,
        );
      }
    }
    this.providers.push(provider);
  }

  async list(): Promise<IntegrationStatus[]> {
    const builtin: IntegrationStatus = {
      id: BUILTIN_INTEGRATION_ID,
      type: 'builtin',
      categories: [...INTEGRATION_CATEGORIES],
      enabled: true,
      state: 'up',
      lastError: null,
      lastSuccessfulSyncAt: null,
      since: this.startedAt,
      outboxDepth: 0,
    };
    const tools = await Promise.all(
      this.providers.map((p, i) => this.describeSafely(p, i)),
    );
    return [builtin, ...tools];
  }

  /** Enabled integrations not up, of the category behind a resource type (or of any). */
  async degraded(category?: IntegrationCategory): Promise<IntegrationStatus[]> {
    return (await this.list()).filter(
      s =>
        s.enabled &&
        s.state !== 'up' &&
        (category === undefined || s.categories.includes(category)),
    );
  }

  /** Freshness of lists from what the integrations report, for the EndpointContext. */
  freshness(): FreshnessService {
    return {
      forResource: async (resourceType: string): Promise<Freshness> => {
        const degraded = await this.degraded(categoryByResource[resourceType]);
        return {
          stale: degraded.length > 0,
          degradedIntegrations: degraded.map(s => ({
            id: s.id,
            since: s.since ? s.since.toISOString() : null,
          })),
        };
      },
    };
  }

  private async describeSafely(
    provider: IntegrationStatusProvider,
    index: number,
  ): Promise<IntegrationStatus> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const status = await Promise.race([
        provider.describe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `The integration did not describe itself within ${this.describeTimeoutMs} ms`,
                ),
              ),
            this.describeTimeoutMs,
          );
        }),
      ]);
      this.failingSince.delete(provider);
      return status;
    } catch (error) {
      const since = this.failingSince.get(provider) ?? this.clock();
      this.failingSince.set(provider, since);
      return {
        id: provider.id ?? `integration-${index + 1}`,
        type: provider.type ?? 'unknown',
        categories: [...(provider.categories ?? [])],
        enabled: true,
        state: 'down',
        lastError: (error instanceof Error
          ? error.message
          : String(error)
        ).slice(0, 1000),
        lastSuccessfulSyncAt: null,
        since,
        outboxDepth: 0,
      };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
