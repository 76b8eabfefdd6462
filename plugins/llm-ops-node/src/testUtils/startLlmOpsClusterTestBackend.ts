import type { BackendFeature } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import {
  startLlmOpsTestBackend,
  testResilience,
  type LlmOpsTestDatabase,
} from './startLlmOpsTestBackend';

/** The plugin names a cluster integration's tasks so; e.g. `llm-ops-cluster-relay-kserve-prod`. */
const clusterTaskId = (kind: 'relay' | 'health', integration: string) =>
  `llm-ops-cluster-${kind}-${integration.replace(/[^A-Za-z0-9-]/g, '-')}`;

/**
 * A test backend whose module drives Kubernetes clusters (KServe, Argo), configured through
 * `llmOps.kubernetes.clusters`, with the plugin's per-cluster tasks at hand to run.
 *
 * @public
 */
export async function startLlmOpsClusterTestBackend(
  options: LlmOpsTestDatabase & {
    /** The llm-ops backend plugin and the cluster module under test. */
    features: BackendFeature[];
    clusters: JsonObject[];
    /** `llmOps.adapters`, e.g. `{ serving: 'kserve:prod' }`: the default cluster's adapter. */
    adapters?: JsonObject;
  },
) {
  const { features, clusters, adapters, ...database } = options;
  const backend = await startLlmOpsTestBackend({
    ...database,
    features,
    config: {
      llmOps: {
        ...(adapters ? { adapters } : {}),
        kubernetes: { clusters },
        resilience: testResilience,
      },
    },
  });
  return {
    ...backend,
    /** The outbox relay of a cluster integration, e.g. relay('kserve:prod'). */
    relay: (integration: string) =>
      backend.task(clusterTaskId('relay', integration)),
    /** The health check of a cluster integration. */
    health: (integration: string) =>
      backend.task(clusterTaskId('health', integration)),
  };
}
