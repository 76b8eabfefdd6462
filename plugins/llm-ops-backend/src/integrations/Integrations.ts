import type {
  DataVersioningAdapter,
  ExperimentTrackingAdapter,
  LlmOpsAdapter,
  ModelRegistryAdapter,
  OrchestrationAdapter,
  ServingAdapter,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  IntegrationRegistry,
  type IntegrationCategory,
} from '../service/integrations';
import type { LlmOpsConfig } from './config';
import { ToolConnection } from './ToolConnection';

const configKeyByCategory: Record<
  IntegrationCategory,
  keyof LlmOpsConfig['adapters']
> = {
  'experiment-tracking': 'experimentTracking',
  'model-registry': 'modelRegistry',
  serving: 'serving',
  orchestration: 'orchestration',
  'data-versioning': 'dataVersioning',
};

/** A serving or orchestration adapter of one cluster, with the connection its calls go through. */
export type ClusterTool<A extends LlmOpsAdapter> = {
  adapter: A;
  connection: ToolConnection;
  /** The cluster (or Argo Server) the adapter serves: what endpoints and pipelines name. */
  cluster: string;
  /** The tool, e.g. kserve, argo, argo-server: the adapter id before the colon. */
  type: string;
};

type ClusterCategory = 'serving' | 'orchestration';

/** The adapter types that run a runtime of an endpoint (serving) or a pipeline (orchestration). */
const TYPES_BY_RUNTIME: Record<ClusterCategory, Record<string, string[]>> = {
  serving: { kserve: ['kserve'], 'ray-serve': ['ray-serve'] },
  orchestration: { argo: ['argo', 'argo-server'] },
};

/** The cluster of an adapter: its `cluster` property when it has one, else the id after the colon. */
function clusterOf(adapter: LlmOpsAdapter): string {
  const declared = (adapter as { cluster?: unknown }).cluster;
  if (typeof declared === 'string' && declared) return declared;
  const colon = adapter.id.indexOf(':');
  return colon >= 0 ? adapter.id.slice(colon + 1) : adapter.id;
}

function clusterError(message: string) {
  return Object.assign(new InputError(message), { field: 'cluster' });
}

/**
 * The adapters tool modules contributed, which one is active per category (config picks by id;
 * by default the first registered), and one ToolConnection per tool instance, shared by the
 * categories it serves (MLflow is both tracking and registry).
 *
 * Serving and orchestration work per cluster: every registered (and not disabled) adapter of
 * those categories is usable at once, and writes are routed by the endpoint's or pipeline's
 * `cluster` (see `serving` and `orchestration`). `llmOps.adapters.serving` / `.orchestration`
 * then names the default adapter, used for endpoints and pipelines that name no cluster;
 * `builtin` there switches the category's adapters off.
 */
export class Integrations {
  readonly registry = new IntegrationRegistry();
  private readonly active = new Map<IntegrationCategory, LlmOpsAdapter>();
  private readonly connections = new Map<string, ToolConnection>();
  private readonly clusterTools = new Map<
    ClusterCategory,
    ClusterTool<LlmOpsAdapter>[]
  >();
  /** Read-only registries imported next to the active one (the Hub), and the DVC repositories. */
  private readonly sources: {
    registryImports: LlmOpsAdapter[];
    dataVersioning: LlmOpsAdapter[];
  } = { registryImports: [], dataVersioning: [] };
  /** Categories whose default adapter config names explicitly. */
  private readonly explicitDefault = new Set<IntegrationCategory>();

  constructor(
    adapters: LlmOpsAdapter[],
    private readonly config: LlmOpsConfig,
    logger: LoggerService,
  ) {
    const byCategory = new Map<IntegrationCategory, LlmOpsAdapter[]>();
    for (const adapter of adapters) {
      byCategory.set(adapter.category, [
        ...(byCategory.get(adapter.category) ?? []),
        adapter,
      ]);
    }
    for (const [category, all] of byCategory) {
      // Import-only registries and data-versioning repositories are all synced; none is "the"
      // active adapter of its category (writes never go to them).
      let candidates = all;
      if (category === 'model-registry') {
        const imports = all.filter(a => a.capabilities.has('import'));
        this.sources.registryImports = imports.filter(
          a => !config.disabled.has(a.id),
        );
        candidates = all.filter(a => !a.capabilities.has('import'));
        if (imports.length > 0) {
          logger.info(
            `llm-ops model-registry imports: ${
              this.sources.registryImports.map(a => a.id).join(', ') || 'none'
            }`,
          );
        }
        if (candidates.length === 0) continue;
      }
      if (category === 'data-versioning') {
        this.sources.dataVersioning = all.filter(
          a => !config.disabled.has(a.id),
        );
        logger.info(
          `llm-ops data-versioning: ${
            this.sources.dataVersioning.map(a => a.id).join(', ') || 'builtin'
          }`,
        );
        continue;
      }
      const wanted = config.adapters[configKeyByCategory[category]];
      if (wanted === 'builtin') continue;
      const chosen = wanted
        ? candidates.find(a => a.id === wanted)
        : candidates[0];
      if (wanted && !chosen) {
        throw new Error(
          `llmOps.adapters.${
            configKeyByCategory[category]
          } is '${wanted}', but no ${category} adapter has that id; registered: ${candidates
            .map(a => a.id)
            .join(', ')}`,
        );
      }
      if (chosen && !config.disabled.has(chosen.id))
        this.active.set(category, chosen);
      if (wanted) this.explicitDefault.add(category);
      if (category === 'serving' || category === 'orchestration') {
        const enabled = candidates.filter(a => !config.disabled.has(a.id));
        this.clusterTools.set(
          category,
          enabled.map(adapter => ({
            adapter,
            connection: undefined as unknown as ToolConnection, // set below
            cluster: clusterOf(adapter),
            type: adapter.id.split(':')[0],
          })),
        );
        logger.info(
          `llm-ops ${category}: ${
            enabled.length > 0
              ? `${enabled.map(a => a.id).join(', ')}${
                  wanted ? ` (default ${wanted})` : ''
                }`
              : 'builtin'
          }`,
        );
        continue;
      }
      logger.info(
        `llm-ops ${category}: ${
          chosen && !config.disabled.has(chosen.id) ? chosen.id : 'builtin'
        }`,
      );
    }
    for (const adapter of adapters) {
      const existing = this.connections.get(adapter.id);
      const categories = adapters
        .filter(a => a.id === adapter.id)
        .map(a => a.category);
      if (existing) continue;
      const connection = new ToolConnection({
        id: adapter.id,
        type: adapter.id.split(':')[0],
        categories,
        enabled: !config.disabled.has(adapter.id),
        resilience: config.resilience,
      });
      this.connections.set(adapter.id, connection);
      this.registry.register(connection.tracker);
    }
    for (const tools of this.clusterTools.values()) {
      for (const tool of tools)
        tool.connection = this.connections.get(tool.adapter.id)!;
    }
  }

  tracking():
    | { adapter: ExperimentTrackingAdapter; connection: ToolConnection }
    | undefined {
    const adapter = this.active.get('experiment-tracking') as
      | ExperimentTrackingAdapter
      | undefined;
    return (
      adapter && { adapter, connection: this.connections.get(adapter.id)! }
    );
  }

  modelRegistry():
    | { adapter: ModelRegistryAdapter; connection: ToolConnection }
    | undefined {
    const adapter = this.active.get('model-registry') as
      | ModelRegistryAdapter
      | undefined;
    return (
      adapter && { adapter, connection: this.connections.get(adapter.id)! }
    );
  }

  /** The read-only registries (capability `import`) whose models are imported into the store. */
  registryImports(): {
    adapter: ModelRegistryAdapter;
    connection: ToolConnection;
  }[] {
    return this.sources.registryImports.map(adapter => ({
      adapter: adapter as ModelRegistryAdapter,
      connection: this.connections.get(adapter.id)!,
    }));
  }

  /** Every enabled data-versioning adapter (one per DVC repository). */
  dataVersioning(): {
    adapter: DataVersioningAdapter;
    connection: ToolConnection;
  }[] {
    return this.sources.dataVersioning.map(adapter => ({
      adapter: adapter as DataVersioningAdapter,
      connection: this.connections.get(adapter.id)!,
    }));
  }

  /**
   * The serving adapter for an endpoint of `runtime` on `cluster`; undefined when no adapter
   * runs that runtime (the store alone then holds the endpoint, as for builtin). Without a
   * cluster: the configured default (llmOps.adapters.serving) when it runs the runtime, else
   * the one adapter there is; with several a 400 naming `cluster`. A cluster no adapter serves
   * is a 400 naming `cluster` too.
   */
  serving(
    runtime: string,
    cluster: string | null | undefined,
  ): ClusterTool<ServingAdapter> | undefined {
    return this.route('serving', runtime, cluster) as
      | ClusterTool<ServingAdapter>
      | undefined;
  }

  /** The orchestration adapter for a pipeline of `runtime` on `cluster`; as `serving`. */
  orchestration(
    runtime: string,
    cluster: string | null | undefined,
  ): ClusterTool<OrchestrationAdapter> | undefined {
    return this.route('orchestration', runtime, cluster) as
      | ClusterTool<OrchestrationAdapter>
      | undefined;
  }

  /** Every usable serving adapter, one per cluster entry. */
  servingTools(): ClusterTool<ServingAdapter>[] {
    return (this.clusterTools.get('serving') ??
      []) as ClusterTool<ServingAdapter>[];
  }

  /** Every usable orchestration adapter. */
  orchestrationTools(): ClusterTool<OrchestrationAdapter>[] {
    return (this.clusterTools.get('orchestration') ??
      []) as ClusterTool<OrchestrationAdapter>[];
  }

  /** A usable serving or orchestration adapter by its id (an outbox entry's integration). */
  clusterTool(id: string): ClusterTool<LlmOpsAdapter> | undefined {
    for (const tools of this.clusterTools.values()) {
      const found = tools.find(t => t.adapter.id === id);
      if (found) return found;
    }
    return undefined;
  }

  private route(
    category: ClusterCategory,
    runtime: string,
    cluster: string | null | undefined,
  ): ClusterTool<LlmOpsAdapter> | undefined {
    const types = TYPES_BY_RUNTIME[category][runtime] ?? [];
    const tools = (this.clusterTools.get(category) ?? []).filter(t =>
      types.includes(t.type),
    );
    if (tools.length === 0) return undefined;
    const fallback = this.explicitDefault.has(category)
      ? tools.find(t => t.adapter.id === this.active.get(category)?.id)
      : undefined;
    const what = category === 'serving' ? 'endpoint' : 'pipeline';
    const clusters = [...new Set(tools.map(t => t.cluster))]
      .map(c => `'${c}'`)
      .join(', ');
    if (cluster) {
      const matching = tools.filter(t => t.cluster === cluster);
      if (matching.length === 0) {
        throw clusterError(
          `No ${runtime} integration serves cluster '${cluster}'; the configured ${runtime} clusters are ${clusters}`,
        );
      }
      // Two adapters for one name (argo:prod and argo-server:prod): the default, else the first.
      return matching.find(t => t === fallback) ?? matching[0];
    }
    if (fallback) return fallback;
    if (tools.length === 1) return tools[0];
    throw clusterError(
      `Several ${runtime} clusters are configured (${clusters}); name the ${what}'s cluster, or set llmOps.adapters.${category} to the default one`,
    );
  }

  connection(id: string): ToolConnection | undefined {
    return this.connections.get(id);
  }

  get settings(): LlmOpsConfig {
    return this.config;
  }
}
