import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ExperimentTrackingAdapter } from './tracking';
import type { ModelRegistryAdapter } from './registry';
import type { ServingAdapter } from './serving';
import type { OrchestrationAdapter } from './orchestration';
import type { DataVersioningAdapter } from './dataVersioning';

/**
 * Any adapter a tool module can contribute.
 *
 * @public
 */
export type LlmOpsAdapter =
  | ExperimentTrackingAdapter
  | ModelRegistryAdapter
  | ServingAdapter
  | OrchestrationAdapter
  | DataVersioningAdapter;

/**
 * Tool modules register their adapters here; config (`llmOps.adapters.<category>`) picks the
 * active one per category by id, so swapping tools needs no code change.
 *
 * @public
 */
export interface LlmOpsIntegrationsExtensionPoint {
  addAdapter(adapter: LlmOpsAdapter): void;
}

/** @public */
export const llmOpsIntegrationsExtensionPoint =
  createExtensionPoint<LlmOpsIntegrationsExtensionPoint>({
    id: 'llm-ops.integrations',
  });
