import { mockServices } from '@backstage/backend-test-utils';
// The actions' peers on a cluster: the real llm-ops plugin with its KServe and Argo modules.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kserveModule, {
  KubernetesClusterClient,
  type CustomResourceType,
} from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import argoModule from '@llm-ops/backstage-plugin-llm-ops-backend-module-argo';
import { startLlmOps, type Knex } from './llmOpsBackend';

/*
 * For the tests that run the actions through the llm-ops backend with its KServe and Argo modules
 * against the real Kubernetes API server (with the upstream KServe and Argo CRDs):
 * `scripts/services/kube-apiserver.sh start` prints the path of its kubeconfig, which goes into
 * LLM_OPS_TEST_KUBECONFIG. Without it the tests are skipped, unless LLM_OPS_REQUIRE_REAL_SERVICES=1
 * makes that an error. (The KServe and Argo modules have the same few helpers; test code is not
 * shared between packages.)
 */
export const kubeconfigPath = process.env.LLM_OPS_TEST_KUBECONFIG;
if (!kubeconfigPath && process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1') {
  throw new Error(
    'A real Kubernetes API server is required but LLM_OPS_TEST_KUBECONFIG is not set; run ' +
      '`export LLM_OPS_TEST_KUBECONFIG=$(scripts/services/kube-apiserver.sh start)` from the repository root first',
  );
}
export const describeWithKube = kubeconfigPath ? describe : describe.skip;

/** KServe's `serving.kserve.io/v1beta1` InferenceServices. */
export const INFERENCE_SERVICES: CustomResourceType = {
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices',
  namespaced: true,
};

/** Argo's `argoproj.io/v1alpha1` Workflows. */
export const WORKFLOWS: CustomResourceType = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'workflows',
  namespaced: true,
};

/** Argo's `argoproj.io/v1alpha1` WorkflowTemplates. */
export const WORKFLOW_TEMPLATES: CustomResourceType = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'workflowtemplates',
  namespaced: true,
};

/**
 * A name unique to this test run, valid as a namespace, an object name and a label value: the
 * API server's etcd data survives restarts, so runs must not see each other's objects.
 */
export function kubeName(label: string): string {
  const suffix = `${Date.now().toString(36)}${Math.random()
    .toString(36)
    .slice(2, 6)}`;
  return `t-${label}-${suffix}`.slice(0, 50);
}

/** A client outside llm-ops, for what a controller or a person would do on the cluster. */
export function adminClient(): KubernetesClusterClient {
  return KubernetesClusterClient.fromCluster({
    name: 'test-admin',
    kubeconfigPath: kubeconfigPath!,
  });
}

/**
 * The real llm-ops backend with the KServe and Argo modules, both on one cluster entry that
 * reaches the test API server through its kubeconfig. The scheduled tasks (outbox relays, health
 * checks) are captured, not run on timers: the cluster is up, so writes apply at once.
 */
export function startLlmOpsOnKube(options: {
  knex: Knex;
  cluster: string;
  defaultNamespace: string;
}) {
  return startLlmOps({
    knex: options.knex,
    features: [kserveModule, argoModule, mockServices.scheduler.mock().factory],
    config: {
      llmOps: {
        kubernetes: {
          clusters: [
            {
              name: options.cluster,
              kubeconfigPath: kubeconfigPath!,
              defaultNamespace: options.defaultNamespace,
            },
          ],
        },
        resilience: {
          timeoutMs: 4000,
          retries: 1,
          breakerThreshold: 5,
          halfOpenAfterMs: 300,
        },
      },
    },
  });
}

/** Polls `read` until `check` accepts what it answered; fails after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(
          value,
        ).slice(0, 2000)}`,
      );
    }
    await new Promise(done => setTimeout(done, 200));
  }
}
