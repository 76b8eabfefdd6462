import type { Config } from '@backstage/config';
import {
  readEntryName,
  readOptionalHttpUrl,
  readOptionalTrimmedString,
  readUniquelyNamedEntries,
} from '@llm-ops/backstage-plugin-llm-ops-node';

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
  return readUniquelyNamedEntries(config, {
    section: CONFIG_PATH,
    listKey: 'clusters',
    entryNoun: 'cluster',
    nameKey: 'name',
    nameLabel: 'cluster name',
    readEntry: readCluster,
  });
}

function readCluster(entry: Config, path: string): KubernetesClusterConfig {
  const name = readEntryName(entry, path, 'cluster name');
  const kubeconfigPath = readOptionalTrimmedString(
    entry,
    'kubeconfigPath',
    path,
  );
  const url = readOptionalHttpUrl(entry, 'url', path, {
    notAUrl: "expected the API server's absolute https URL",
    notHttp: 'expected https (or http)',
    credentialsHint: `use '${path}.token' or a client certificate`,
  });
  const caData = readPem(entry, 'caData', path);
  const token = readOptionalTrimmedString(entry, 'token', path);
  const clientCertData = readPem(entry, 'clientCertData', path);
  const clientKeyData = readPem(entry, 'clientKeyData', path);
  const defaultNamespace = readOptionalTrimmedString(
    entry,
    'defaultNamespace',
    path,
  );

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

/**
 * Certificates and keys as kubeconfig files hold them (`*-data`: base64 of the PEM). A PEM pasted
 * as is (from a secret mounted into an env variable) is accepted too and encoded here.
 */
function readPem(entry: Config, key: string, path: string): string | undefined {
  const value = readOptionalTrimmedString(entry, key, path);
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
