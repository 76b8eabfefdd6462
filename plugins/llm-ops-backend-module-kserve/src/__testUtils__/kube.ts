import { KubeConfig } from '@kubernetes/client-node';
import { AddressInfo, createServer } from 'node:net';
import {
  KubernetesClusterClient,
  type KubernetesClusterConfig,
} from '../kubernetes';

/*
 * Shared by the tests that run against the real Kubernetes API server with the upstream KServe
 * and Argo CRDs: `scripts/services/kube-apiserver.sh start` prints the path of its kubeconfig,
 * which goes into LLM_OPS_TEST_KUBECONFIG. Without it the tests are skipped, unless
 * LLM_OPS_REQUIRE_REAL_SERVICES=1 makes that an error.
 */
export const kubeconfigPath = process.env.LLM_OPS_TEST_KUBECONFIG;
if (!kubeconfigPath && process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1') {
  throw new Error(
    'A real Kubernetes API server is required but LLM_OPS_TEST_KUBECONFIG is not set; run ' +
      '`export LLM_OPS_TEST_KUBECONFIG=$(scripts/services/kube-apiserver.sh start)` from the repository root first',
  );
}
export const describeWithKube = kubeconfigPath ? describe : describe.skip;

/**
 * A name unique to this test run, valid as a namespace, an object name and a label value: the
 * API server's etcd data survives restarts, so runs must not see each other's objects.
 */
export function uniqueName(label: string): string {
  const suffix = `${Date.now().toString(36)}${Math.random()
    .toString(36)
    .slice(2, 6)}`;
  return `t-${label}-${suffix}`.slice(0, 50);
}

/** A cluster entry that reaches the test server through its kubeconfig file. */
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

/** The same server with the kubeconfig's URL, CA and client certificate inline, as config holds them. */
export function inlineCluster(
  name: string,
  defaultNamespace?: string,
): KubernetesClusterConfig & {
  url: string;
  caData: string;
  clientCertData: string;
  clientKeyData: string;
} {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath!);
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser()!;
  return {
    name,
    url: cluster.server,
    caData: cluster.caData!,
    clientCertData: user.certData!,
    clientKeyData: user.keyData!,
    ...(defaultNamespace ? { defaultNamespace } : {}),
  };
}

/** A client outside the adapters, for what a controller or a person would do on the cluster. */
export function adminClient(): KubernetesClusterClient {
  return KubernetesClusterClient.fromCluster({
    name: 'test-admin',
    kubeconfigPath: kubeconfigPath!,
  });
}

export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** A local port on which nothing listens any more. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise(done => server.close(done));
  return port;
}

export const sleep = (ms: number) =>
  new Promise<void>(done => setTimeout(done, ms));

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(50);
  }
}
