import type { Config } from '@backstage/config';
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
  const mlflow = config.getOptionalConfig(CONFIG_PATH);
  if (!mlflow) return [];
  if (!mlflow.has('instances')) {
    throw new Error(
      `Missing required config value at '${CONFIG_PATH}.instances'; list at least one MLflow server, or remove '${CONFIG_PATH}'`,
    );
  }
  const entries = mlflow.getConfigArray('instances');
  const seen = new Map<string, string>();
  return entries.map((entry, index) => {
    const path = `${CONFIG_PATH}.instances[${index}]`;
    const instance = readInstance(entry, path);
    const earlier = seen.get(instance.id);
    if (earlier) {
      throw new Error(
        `Duplicate MLflow instance id '${instance.id}' at '${path}.id'; '${earlier}.id' uses it already`,
      );
    }
    seen.set(instance.id, path);
    return instance;
  });
}

function readInstance(entry: Config, path: string): MlflowInstanceConfig {
  const id = requiredString(entry, 'id', path);
  if (!ID_PATTERN.test(id)) {
    throw new Error(
      `Invalid MLflow instance id '${id}' at '${path}.id'; use letters, digits, '.', '_' and '-', starting with a letter or digit`,
    );
  }
  const baseUrl = readUrl(entry, 'baseUrl', path, true)!;
  const uiBaseUrl = readUrl(entry, 'uiBaseUrl', path, false) ?? baseUrl;

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
    id,
    baseUrl,
    uiBaseUrl,
    ...(auth ? { auth } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

function requiredString(entry: Config, key: string, path: string): string {
  const value = entry.getOptionalString(key);
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing required config value at '${path}.${key}'`);
  }
  return value.trim();
}

function readUrl(
  entry: Config,
  key: string,
  path: string,
  required: boolean,
): string | undefined {
  const value = required
    ? requiredString(entry, key, path)
    : entry.getOptionalString(key)?.trim();
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `Invalid URL at '${path}.${key}'; expected an absolute http(s) URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `Invalid URL at '${path}.${key}'; expected http or https, got '${url.protocol}'`,
    );
  }
  if (url.username || url.password) {
    // The message leaves the URL out on purpose: it holds a password.
    throw new Error(
      `The URL at '${path}.${key}' contains credentials; use '${path}.token' or '${path}.username' and '${path}.password'`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(
      `Invalid URL at '${path}.${key}'; expected no query string or fragment`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}
