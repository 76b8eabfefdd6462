// The point of these tests: the real llm-ops plugin with this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import {
  startLlmOpsClusterTestBackend,
  type LlmOpsTestDatabase,
} from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import type { KubernetesClusterConfig } from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
import { llmOpsModuleArgo as argoModule } from '../../module';

export { SwitchableProxy } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';

/**
 * The real llm-ops backend plugin with the Argo module against the real Kubernetes API server.
 * The scheduled tasks (outbox relays, health checks) are captured instead of run on timers, so
 * tests drive them; the watches run for real.
 */
export function startWithArgo(
  options: LlmOpsTestDatabase & {
    clusters: KubernetesClusterConfig[];
    /** `llmOps.adapters.orchestration`: the default cluster's adapter. */
    defaultOrchestration?: string;
  },
) {
  const { defaultOrchestration, ...rest } = options;
  return startLlmOpsClusterTestBackend({
    ...rest,
    features: [llmOpsPlugin, argoModule],
    adapters: defaultOrchestration
      ? { orchestration: defaultOrchestration }
      : undefined,
  });
}
