import {
  KubernetesClusterClient,
  type KubernetesClusterConfig,
} from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';

/*
 * Shared by the tests that run against the real Kubernetes API server with the upstream Argo
 * Workflows CRDs: `scripts/services/kube-apiserver.sh start` prints the path of its kubeconfig,
 * which goes into LLM_OPS_TEST_KUBECONFIG. Without it the tests are skipped, unless
 * LLM_OPS_REQUIRE_REAL_SERVICES=1 makes that an error. (The KServe module has the same helpers;
 * test code is not shared between packages.)
 */
export const kubeconfigPath = process.env.LLM_OPS_TEST_KUBECONFIG;
if (!kubeconfigPath && process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1') {
  throw new Error(
    'A real Kubernetes API server is required but LLM_OPS_TEST_KUBECONFIG is not set; run ' +
      '`export LLM_OPS_TEST_KUBECONFIG=$(scripts/services/kube-apiserver.sh start)` from the repository root first',
  );
}
export const describeWithKube = kubeconfigPath ? describe : describe.skip;

/** A name unique to this test run: the API server's etcd data survives restarts. */
export function uniqueName(label: string): string {
  const suffix = `${Date.now().toString(36)}${Math.random()
    .toString(36)
    .slice(2, 6)}`;
  return `t-${label}-${suffix}`.slice(0, 50);
}

export function kubeconfigCluster(
  name: string,
  defaultNamespace?: string,
): KubernetesClusterConfig {
  return {
    name,
    kubeconfigPath: kubeconfigPath!,
    ...(defaultNamespace ? { defaultNamespace } : {}),
  };
}

/** A client outside the adapters, for what the Argo controller or a person would do. */
export function adminClient(): KubernetesClusterClient {
  return KubernetesClusterClient.fromCluster({
    name: 'test-admin',
    kubeconfigPath: kubeconfigPath!,
  });
}

export { closedPort, rejection, waitFor } from './helpers';
