// The point of these tests: the real llm-ops plugin with this module.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import {
  startLlmOpsClusterTestBackend,
  type LlmOpsApi,
  type LlmOpsTestDatabase,
} from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import type { KubernetesClusterConfig } from '../../kubernetes';
import { llmOpsModuleKserve as kserveModule } from '../../module';

export { SwitchableProxy } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';

/**
 * The real llm-ops backend plugin with the KServe module against the real Kubernetes API server.
 * The scheduled tasks (outbox relays, health checks) are captured instead of run on timers, so
 * tests drive them; the watches run for real.
 */
export function startWithKserve(
  options: LlmOpsTestDatabase & {
    clusters: KubernetesClusterConfig[];
    /** `llmOps.adapters.serving`: the default cluster's adapter. */
    defaultServing?: string;
  },
) {
  const { defaultServing, ...rest } = options;
  return startLlmOpsClusterTestBackend({
    ...rest,
    features: [llmOpsPlugin, kserveModule],
    adapters: defaultServing ? { serving: defaultServing } : undefined,
  });
}

/** A model with versions through the API (the builtin registry), each with its artifactUri. */
export async function createModelVersions(
  api: LlmOpsApi,
  model: string,
  count: number,
): Promise<Array<{ id: string; artifactUri: string }>> {
  expect((await api.post('/models', { name: model })).status).toBe(201);
  const versions: Array<{ id: string; artifactUri: string }> = [];
  for (let i = 1; i <= count; i++) {
    const artifactUri = `s3://models/${model}/${i}`;
    const created = await api.post(`/models/${model}/versions`, {
      artifactUri,
    });
    expect(created.status).toBe(201);
    versions.push({ id: created.body.data.id, artifactUri });
  }
  return versions;
}
