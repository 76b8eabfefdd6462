import type { Config } from '@backstage/config';

/**
 * One Argo Server from `llmOps.argo.servers`, validated.
 *
 * @public
 */
export type ArgoServerConfig = {
  /** Unique among the servers; the adapter's id is `argo-server:<name>`. */
  name: string;
  /** The server's root URL, without a trailing slash. */
  baseUrl: string;
  /** A Kubernetes bearer token for Argo's `client` auth mode. */
  token?: string;
  /** Base64 of the PEM CA that signed the server's certificate. */
  caData?: string;
  /** Where Workflows go when a pipeline names no namespace. Default `default`. */
  defaultNamespace: string;
  timeoutMs?: number;
};

const CONFIG_PATH = 'llmOps.argo';
const NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Reads and validates `llmOps.argo.servers`; no servers when `llmOps.argo` is absent. Throws at
 * startup, naming the config path, on a missing or malformed key or a duplicate name.
 *
 * @public
 */
export function readArgoServers(config: Config): ArgoServerConfig[] {
  const argo = config.getOptionalConfig(CONFIG_PATH);
  if (!argo) return [];
  if (!argo.has('servers')) {
    throw new Error(
      `Missing required config value at '${CONFIG_PATH}.servers'; list at least one Argo Server, or remove '${CONFIG_PATH}'`,
    );
  }
  const seen = new Map<string, string>();
  return argo.getConfigArray('servers').map((entry, index) => {
    const path = `${CONFIG_PATH}.servers[${index}]`;
    const name = required(entry, 'name', path);
    if (!NAME_PATTERN.test(name)) {
      throw new Error(
        `Invalid Argo Server name '${name}' at '${path}.name'; use at most 63 letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
      );
    }
    const earlier = seen.get(name);
    if (earlier) {
      throw new Error(
        `Duplicate Argo Server name '${name}' at '${path}.name'; '${earlier}.name' uses it already`,
      );
    }
    seen.set(name, path);

    const rawUrl = required(entry, 'baseUrl', path);
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new Error(
        `Invalid URL at '${path}.baseUrl'; expected an absolute http(s) URL`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(
        `Invalid URL at '${path}.baseUrl'; expected https or http, got '${url.protocol}'`,
      );
    }
    if (url.username || url.password) {
      throw new Error(
        `The URL at '${path}.baseUrl' contains credentials; use '${path}.token'`,
      );
    }
    if (url.search || url.hash) {
      throw new Error(
        `Invalid URL at '${path}.baseUrl'; expected no query string or fragment`,
      );
    }
    const token = entry.getOptionalString('token')?.trim();
    if (token !== undefined && token === '') {
      throw new Error(`Empty config value at '${path}.token'`);
    }
    let caData = entry.getOptionalString('caData')?.trim();
    if (caData?.startsWith('-----BEGIN')) {
      caData = Buffer.from(caData, 'utf8').toString('base64');
    }
    const defaultNamespace =
      entry.getOptionalString('defaultNamespace')?.trim() ?? 'default';
    if (!NAMESPACE_PATTERN.test(defaultNamespace)) {
      throw new Error(
        `Invalid namespace '${defaultNamespace}' at '${path}.defaultNamespace'; expected a DNS-1123 label`,
      );
    }
    const timeoutMs = entry.getOptionalNumber('timeoutMs');
    if (
      timeoutMs !== undefined &&
      (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    ) {
      throw new Error(
        `Invalid config value at '${path}.timeoutMs'; expected a positive whole number of milliseconds`,
      );
    }
    return {
      name,
      baseUrl: url.toString().replace(/\/+$/, ''),
      defaultNamespace,
      ...(token ? { token } : {}),
      ...(caData ? { caData } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
  });
}

function required(entry: Config, key: string, path: string): string {
  const value = entry.getOptionalString(key)?.trim();
  if (!value) {
    throw new Error(`Missing required config value at '${path}.${key}'`);
  }
  return value;
}
