import type { Config } from '@backstage/config';
import {
  parseHttpUrl,
  readOptionalPositiveMilliseconds,
  readRequiredTrimmedString,
  readUniquelyNamedEntries,
  type HttpUrlMessages,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import type { MlflowAuth } from './client';

/**
 * One MLflow server from `llmOps.mlflow.instances`, validated.
 *
 * @public
 */
export type MlflowInstanceConfig = {
  /** Unique among the instances; the adapters' id is `mlflow:<id>`. */
  id: string;
  /** The server's root, without a trailing slash. */
  baseUrl: string;
  /** Where the UI links point; `baseUrl` unless configured. No trailing slash. */
  uiBaseUrl: string;
  auth?: MlflowAuth;
  timeoutMs?: number;
};

const CONFIG_PATH = 'llmOps.mlflow';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Reads and validates `llmOps.mlflow.instances`. Returns no instances when `llmOps.mlflow` is
 * absent. Throws at startup, naming the config path, on a missing or malformed key, duplicate ids,
 * a URL that is not http(s) or carries credentials, both `token` and `password`, or a `username`
 * without a `password` (and the other way round).
 *
 * @public
 */
export function readMlflowInstances(config: Config): MlflowInstanceConfig[] {
  return readUniquelyNamedEntries(config, {
    section: CONFIG_PATH,
    listKey: 'instances',
    entryNoun: 'MLflow server',
    nameKey: 'id',
    nameLabel: 'MLflow instance id',
    readEntry: readInstance,
  });
}

function readInstance(entry: Config, path: string): MlflowInstanceConfig {
  const id = readRequiredTrimmedString(entry, 'id', path);
  if (!ID_PATTERN.test(id)) {
    throw new Error(
      `Invalid MLflow instance id '${id}' at '${path}.id'; use letters, digits, '.', '_' and '-', starting with a letter or digit`,
    );
  }
  const urlMessages: HttpUrlMessages = {
    credentialsHint: `use '${path}.token' or '${path}.username' and '${path}.password'`,
  };
  const baseUrl = parseHttpUrl(
    readRequiredTrimmedString(entry, 'baseUrl', path),
    `${path}.baseUrl`,
    urlMessages,
  );
  // Not readOptionalHttpUrl: a blank uiBaseUrl has always been reported as an invalid URL.
  const uiBaseValue = entry.getOptionalString('uiBaseUrl')?.trim();
  const uiBaseUrl =
    uiBaseValue === undefined
      ? baseUrl
      : parseHttpUrl(uiBaseValue, `${path}.uiBaseUrl`, urlMessages);

  const token = entry.getOptionalString('token');
  const username = entry.getOptionalString('username');
  const password = entry.getOptionalString('password');
  if (
    token !== undefined &&
    (password !== undefined || username !== undefined)
  ) {
    throw new Error(
      `Both '${path}.token' and '${path}.username'/'${path}.password' are set; configure either a bearer token or basic auth, not both`,
    );
  }
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? 'username' : 'password';
    throw new Error(
      `Missing required config value at '${path}.${missing}'; basic auth needs both username and password`,
    );
  }
  let auth: MlflowAuth | undefined;
  if (token !== undefined) {
    if (!token) throw new Error(`Empty config value at '${path}.token'`);
    auth = { type: 'bearer', token };
  } else if (username !== undefined && password !== undefined) {
    if (!username) throw new Error(`Empty config value at '${path}.username'`);
    auth = { type: 'basic', username, password };
  }

  const timeoutMs = readOptionalPositiveMilliseconds(entry, 'timeoutMs', path);

  return {
    id,
    baseUrl,
    uiBaseUrl,
    ...(auth ? { auth } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}
