import { MlflowApiError, MlflowRequestError } from './errors';

/** How the client authenticates to MLflow. @public */
export type MlflowAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/** @public */
export interface MlflowTransportOptions {
  /** The server's root, e.g. `http://127.0.0.1:5000` or `https://host/mlflow`; no credentials in it. */
  baseUrl: string;
  auth?: MlflowAuth;
  /** Per request, including reading the body. Default 30 000 ms. */
  timeoutMs?: number;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Query values; arrays become repeated parameters, undefined ones are left out. */
export type MlflowQuery = Record<
  string,
  string | number | string[] | undefined
>;

const DEFAULT_TIMEOUT_MS = 30_000;
const API_PREFIX = '/api/2.0/mlflow';

/**
 * HTTP plumbing shared by the API groups: URL building, auth header, timeout, JSON bodies and the
 * mapping of failures to {@link MlflowApiError} and {@link MlflowRequestError}. Knows nothing about
 * individual endpoints.
 *
 * @internal
 */
export class MlflowTransport {
  private readonly baseUrl: string;
  private readonly authorization?: string;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: MlflowTransportOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError('MLflow baseUrl is not a valid absolute URL');
    }
    if (url.username || url.password) {
      // fetch refuses such URLs, and they would end up in logs; the auth option is the place.
      throw new TypeError(
        'MLflow baseUrl must not contain credentials; use the auth option',
      );
    }
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.authorization = authorizationHeader(options.auth);
    this.secrets = secretsOf(options.auth);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  get<T>(path: string, query: MlflowQuery = {}): Promise<T> {
    return this.send<T>('GET', path, query, undefined);
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.send<T>('POST', path, {}, body);
  }

  patch<T>(path: string, body: object): Promise<T> {
    return this.send<T>('PATCH', path, {}, body);
  }

  /** MLflow's DELETE endpoints read their arguments from a JSON body. */
  delete<T>(path: string, body: object): Promise<T> {
    return this.send<T>('DELETE', path, {}, body);
  }

  /**
   * GETs a path outside the API prefix, such as `/health`, and returns the body as text. Failures
   * are reported as for the API calls.
   */
  async getText(rootPath: string): Promise<string> {
    const { text } = await this.exchange('GET', rootPath, {}, undefined);
    return text;
  }

  private async send<T>(
    method: string,
    path: string,
    query: MlflowQuery,
    body: object | undefined,
  ): Promise<T> {
    const apiPath = `${API_PREFIX}${path}`;
    const { response, text } = await this.exchange(
      method,
      apiPath,
      query,
      body,
    );
    if (!text) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new MlflowRequestError({
        method,
        path: apiPath,
        reason: `answered ${response.status} with a body that is not JSON`,
        cause: error,
      });
    }
  }

  /** One request and its whole body; throws on non-2xx answers, timeouts and network errors. */
  private async exchange(
    method: string,
    apiPath: string,
    query: MlflowQuery,
    body: object | undefined,
  ): Promise<{ response: Response; text: string }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.authorization) headers.Authorization = this.authorization;

    let response: Response;
    let text: string;
    try {
      // One signal for the whole exchange, so a server that stalls mid-body also times out.
      const signal = AbortSignal.timeout(this.timeoutMs);
      response = await this.fetchImpl(
        `${this.baseUrl}${apiPath}${queryString(query)}`,
        {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        },
      );
      text = await response.text();
    } catch (error) {
      // Checked by name, not instanceof: fetch's errors may come from another realm (Jest's VM).
      const name = (error as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw new MlflowRequestError({
        method,
        path: apiPath,
        reason: timedOut
          ? `timed out after ${this.timeoutMs} ms`
          : `could not be sent: ${describeCause(error)}`,
        timedOut,
        cause: error,
      });
    }

    if (!response.ok) {
      throw apiError(method, apiPath, response, text, this.secrets);
    }
    return { response, text };
  }
}

function authorizationHeader(auth: MlflowAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.type === 'basic') {
    const pair = `${auth.username}:${auth.password}`;
    return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  return `Bearer ${auth.token}`;
}

function secretsOf(auth: MlflowAuth | undefined): string[] {
  if (!auth) return [];
  const header = authorizationHeader(auth)!.split(' ')[1];
  const raw = auth.type === 'basic' ? auth.password : auth.token;
  return [raw, header].filter(secret => secret.length >= 4);
}

function queryString(query: MlflowQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function apiError(
  method: string,
  path: string,
  response: Response,
  text: string,
  secrets: string[],
): MlflowApiError {
  let errorCode: string | undefined;
  let serverMessage: string | undefined;
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      if (typeof parsed.error_code === 'string') errorCode = parsed.error_code;
      if (typeof parsed.message === 'string') serverMessage = parsed.message;
    }
  } catch {
    // Not MLflow's JSON error body (a proxy page, the security middleware's plain text).
  }
  if (serverMessage === undefined) {
    const start = text.trim().slice(0, 200);
    serverMessage = start || response.statusText || 'no message';
  }
  // A server or proxy that echoes the request back must not leak the credentials into logs.
  for (const secret of secrets) {
    serverMessage = serverMessage.split(secret).join('***');
  }
  return new MlflowApiError({
    method,
    path,
    status: response.status,
    errorCode,
    serverMessage,
  });
}

function describeCause(error: unknown): string {
  const message = messageOf(error);
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND) in the cause.
  const cause = messageOf((error as { cause?: unknown } | null)?.cause);
  return cause ? `${message} (${cause})` : message;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return error === undefined ? '' : String(error);
}
