import type { Config } from '@backstage/config';
import {
  parseHttpUrl,
  readOptionalPositiveMilliseconds,
  readOptionalTrimmedString,
  readRequiredTrimmedString,
  readUniquelyNamedEntries,
} from '@llm-ops/backstage-plugin-llm-ops-node';

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
  return readUniquelyNamedEntries(config, {
    section: CONFIG_PATH,
    listKey: 'servers',
    entryNoun: 'Argo Server',
    nameKey: 'name',
    nameLabel: 'Argo Server name',
    readEntry: readServer,
  });
}

function readServer(entry: Config, path: string): ArgoServerConfig {
  const name = readRequiredTrimmedString(entry, 'name', path);
  if (!NAME_PATTERN.test(name)) {
    throw new Error(
      `Invalid Argo Server name '${name}' at '${path}.name'; use at most 63 letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
    );
  }
  const baseUrl = parseHttpUrl(
    readRequiredTrimmedString(entry, 'baseUrl', path),
    `${path}.baseUrl`,
    {
      notHttp: 'expected https or http',
      credentialsHint: `use '${path}.token'`,
    },
  );
  const token = readOptionalTrimmedString(entry, 'token', path);
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
  const timeoutMs = readOptionalPositiveMilliseconds(entry, 'timeoutMs', path);
  return {
    name,
    baseUrl,
    defaultNamespace,
    ...(token ? { token } : {}),
    ...(caData ? { caData } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}
