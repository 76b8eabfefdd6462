// The point of these tests: the real llm-ops plugin with this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import {
  startLlmOpsTestBackend,
  testResilience,
  type LlmOpsTestDatabase,
} from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { llmOpsModuleMlflow as mlflowModule } from '../../module';

/**
 * The real llm-ops backend plugin with this module against a real MLflow server. The scheduled
 * tasks (sync, outbox relay) are captured instead of run on timers, so tests drive them.
 */
export async function startWithMlflow(
  options: LlmOpsTestDatabase & { mlflowUrl: string },
) {
  const { mlflowUrl, ...database } = options;
  const backend = await startLlmOpsTestBackend({
    ...database,
    features: [llmOpsPlugin, mlflowModule],
    config: {
      llmOps: {
        mlflow: {
          instances: [{ id: 'it', baseUrl: mlflowUrl, timeoutMs: 4000 }],
        },
        resilience: { ...testResilience, breakerThreshold: 3 },
      },
    },
  });
  return {
    ...backend,
    sync: backend.taskStartingWith('llm-ops-sync-'),
    fullSync: backend.taskStartingWith('llm-ops-full-sync-'),
    relay: backend.taskStartingWith('llm-ops-outbox-relay-'),
  };
}
