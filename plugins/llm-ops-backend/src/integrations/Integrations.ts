import type {
  ExperimentTrackingAdapter,
  LlmOpsAdapter,
  ModelRegistryAdapter,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
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

/**
 * The adapters tool modules contributed, which one is active per category (config picks by id;
 * by default the first registered), and one ToolConnection per tool instance, shared by the
 * categories it serves (MLflow is both tracking and registry).
 */
export class Integrations {
  readonly registry = new IntegrationRegistry();
  private readonly active = new Map<IntegrationCategory, LlmOpsAdapter>();
  private readonly connections = new Map<string, ToolConnection>();

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
    for (const [category, candidates] of byCategory) {
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

  connection(id: string): ToolConnection | undefined {
    return this.connections.get(id);
  }

  get settings(): LlmOpsConfig {
    return this.config;
  }
}
