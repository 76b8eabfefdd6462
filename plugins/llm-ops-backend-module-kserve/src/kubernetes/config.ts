import type { Config } from '@backstage/config';

/**
 * One Kubernetes cluster from `llmOps.kubernetes.clusters`, validated. Either `kubeconfigPath`
 * or `url` (with inline credentials) says how to reach it.
 *
 * @public
 */
export type KubernetesClusterConfig = {
  /** Unique among the clusters; adapters are called `<tool>:<name>`. */
  name: string;
  /** The API server's URL, without a trailing slash; absent when `kubeconfigPath` is used. */
  url?: string;
  /** A kubeconfig file whose current context is used. */
  kubeconfigPath?: string;
  /** Base64 of the PEM CA bundle that signed the API server's certificate. */
  caData?: string;
  /** A bearer token (service account token). */
  token?: string;
  /** Base64 of the PEM client certificate; comes with `clientKeyData`. */
  clientCertData?: string;
  /** Base64 of the PEM client key; comes with `clientCertData`. */
  clientKeyData?: string;
  /**
   * Where resources go when a request names no namespace. When not configured: the namespace
   * of the kubeconfig's current context, else `default`; resolved by the client.
   */
  defaultNamespace?: string;
};

const CONFIG_PATH = 'llmOps.kubernetes';

/**
 * Cluster names become a label value (`llm-ops/cluster`) and part of adapter ids, so they follow
 * the syntax of a Kubernetes label value.
 */
const NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
/** A DNS-1123 label, which is what a namespace name is. */
const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Reads and validates `llmOps.kubernetes.clusters`. Returns no clusters when
 * `llmOps.kubernetes` is absent. Throws at startup, naming the config path, on a missing or
 * malformed key, duplicate names, both or neither of `kubeconfigPath` and `url`, inline
 * credentials next to `kubeconfigPath`, or only one of `clientCertData`/`clientKeyData`.
 *
 * @public
 */
export function readKubernetesClusters(
  config: Config,
): KubernetesClusterConfig[] {
  const kubernetes = config.getOptionalConfig(CONFIG_PATH);
  if (!kubernetes) return [];
  if (!kubernetes.has('clusters')) {
    throw new Error(
      `Missing required config value at '${CONFIG_PATH}.clusters'; list at least one cluster, or remove '${CONFIG_PATH}'`,
    );
  }
  const seen = new Map<string, string>();
  return kubernetes.getConfigArray('clusters').map((entry, index) => {
    const path = `${CONFIG_PATH}.clusters[${index}]`;
    const cluster = readCluster(entry, path);
    const earlier = seen.get(cluster.name);
    if (earlier) {
      throw new Error(
        `Duplicate cluster name '${cluster.name}' at '${path}.name'; '${earlier}.name' uses it already`,
      );
    }
    seen.set(cluster.name, path);
    return cluster;
  });
}

function readCluster(entry: Config, path: string): KubernetesClusterConfig {
  const name = optionalString(entry, 'name', path);
  if (name === undefined) {
    throw new Error(`Missing required config value at '${path}.name'`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new Error(
      `Invalid cluster name '${name}' at '${path}.name'; use at most 63 letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
    );
  }
  const kubeconfigPath = optionalString(entry, 'kubeconfigPath', path);
  const url = readUrl(entry, path);
  const caData = readPem(entry, 'caData', path);
  const token = optionalString(entry, 'token', path);
  const clientCertData = readPem(entry, 'clientCertData', path);
  const clientKeyData = readPem(entry, 'clientKeyData', path);
  const defaultNamespace = optionalString(entry, 'defaultNamespace', path);

  if (kubeconfigPath === undefined && url === undefined) {
    throw new Error(
      `Missing required config value at '${path}.url' or '${path}.kubeconfigPath'; configure how to reach the cluster`,
    );
  }
  if (kubeconfigPath !== undefined) {
    const inline = { url, caData, token, clientCertData, clientKeyData };
    const mixed = Object.entries(inline).find(([, v]) => v !== undefined);
    if (mixed) {
      throw new Error(
        `Both '${path}.kubeconfigPath' and '${path}.${mixed[0]}' are set; the kubeconfig file already holds the server and credentials`,
      );
    }
  }
  if ((clientCertData === undefined) !== (clientKeyData === undefined)) {
    const missing =
      clientCertData === undefined ? 'clientCertData' : 'clientKeyData';
    throw new Error(
      `Missing required config value at '${path}.${missing}'; a client certificate needs both clientCertData and clientKeyData`,
    );
  }
  if (
    defaultNamespace !== undefined &&
    !NAMESPACE_PATTERN.test(defaultNamespace)
  ) {
    throw new Error(
      `Invalid namespace '${defaultNamespace}' at '${path}.defaultNamespace'; expected a DNS-1123 label`,
    );
  }
  const cluster: KubernetesClusterConfig = { name };
  if (kubeconfigPath !== undefined) cluster.kubeconfigPath = kubeconfigPath;
  if (url !== undefined) cluster.url = url;
  if (caData !== undefined) cluster.caData = caData;
  if (token !== undefined) cluster.token = token;
  if (clientCertData !== undefined) cluster.clientCertData = clientCertData;
  if (clientKeyData !== undefined) cluster.clientKeyData = clientKeyData;
  if (defaultNamespace !== undefined)
    cluster.defaultNamespace = defaultNamespace;
  return cluster;
}

function optionalString(
  entry: Config,
  key: string,
  path: string,
): string | undefined {
  const value = entry.getOptionalString(key);
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    throw new Error(`Empty config value at '${path}.${key}'`);
  }
  return value.trim();
}

function readUrl(entry: Config, path: string): string | undefined {
  const value = optionalString(entry, 'url', path);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `Invalid URL at '${path}.url'; expected the API server's absolute https URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(
      `Invalid URL at '${path}.url'; expected https (or http), got '${url.protocol}'`,
    );
  }
  if (url.username || url.password) {
    // The URL itself stays out of the message: it holds a password.
    throw new Error(
      `The URL at '${path}.url' contains credentials; use '${path}.token' or a client certificate`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(
      `Invalid URL at '${path}.url'; expected no query string or fragment`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * Certificates and keys as kubeconfig files hold them (`*-data`: base64 of the PEM). A PEM pasted
 * as is (from a secret mounted into an env variable) is accepted too and encoded here.
 */
function readPem(entry: Config, key: string, path: string): string | undefined {
  const value = optionalString(entry, key, path);
  if (value === undefined) return undefined;
  if (value.startsWith('-----BEGIN')) {
    return Buffer.from(value, 'utf8').toString('base64');
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (!decoded.includes('-----BEGIN')) {
    // The value is not echoed: for clientKeyData it is a private key.
    throw new Error(
      `Invalid config value at '${path}.${key}'; expected base64 of a PEM block (as in a kubeconfig's *-data fields) or the PEM itself`,
    );
  }
  return value;
}
