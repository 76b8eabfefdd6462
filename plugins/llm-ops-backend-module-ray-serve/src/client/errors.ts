/**
 * Ray's dashboard answered with a non-2xx status: 400 when Serve rejects an application config
 * (the body is the pydantic validation error, as text), 401/403 when the cluster has token
 * authentication and the token is missing or wrong, 404 when the dashboard has no Serve REST API,
 * 5xx when the dashboard or the Serve controller failed. The backend treats a `status` below 500
 * (other than 408 and 429) as permanent.
 *
 * The message names the cluster, the method, the API path and what Ray said; never the
 * dashboard's address or the token.
 *
 * @public
 */
export class RayServeApiError extends Error {
  readonly name = 'RayServeApiError';
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** What Ray said: the start of the text body, without terminal colour codes. */
  readonly serverMessage: string;

  constructor(options: {
    cluster: string;
    method: string;
    path: string;
    status: number;
    serverMessage: string;
  }) {
    super(
      `Ray cluster '${options.cluster}': ${options.method} ${options.path} failed with ${options.status}: ${options.serverMessage}`,
    );
    this.status = options.status;
    this.method = options.method;
    this.path = options.path;
    this.serverMessage = options.serverMessage;
  }
}

/**
 * No usable answer from Ray's dashboard: refused or reset connection, DNS failure, a timeout
 * (`timedOut`), or a 2xx answer that is not the JSON the Serve REST API sends. It has no
 * `status`, so the backend treats it as "unavailable, retry later". The original error is the
 * `cause`.
 *
 * @public
 */
export class RayServeRequestError extends Error {
  readonly name = 'RayServeRequestError';
  readonly timedOut: boolean;

  constructor(options: {
    cluster: string;
    method: string;
    path: string;
    reason: string;
    timedOut?: boolean;
    cause?: unknown;
  }) {
    super(
      `Ray cluster '${options.cluster}': ${options.method} ${options.path} ${options.reason}`,
      { cause: options.cause },
    );
    this.timedOut = options.timedOut ?? false;
  }
}

/**
 * A request the adapter refuses before sending it, because Ray Serve cannot express it (400: a
 * canary, a traffic split, replica counts Serve does not take) or because the cluster's current
 * state does not allow it (409: an application of that name, or on that route, that llm-ops does
 * not manage). Its `status` is below 500, so the backend does not retry it.
 *
 * @public
 */
export class RayServeAdapterError extends Error {
  readonly name = 'RayServeAdapterError';
  readonly status: number;

  constructor(status: 400 | 409, message: string) {
    super(message);
    this.status = status;
  }
}

// Ray's tracebacks carry terminal colour codes (ESC [ ... m).
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Ray's text without colour codes, trimmed. */
export function plainText(text: string): string {
  return text.replace(ANSI_ESCAPES, '').trim();
}

/** The message of an error, for health reports; these messages carry no credentials. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `fetch failed` says nothing; the system error code (ECONNREFUSED, ...) sits in the causes. */
export function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: any = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = typeof current.code === 'string' ? current.code : undefined;
    const message =
      typeof current.message === 'string' ? current.message : undefined;
    if (code && !parts.includes(code)) parts.push(code);
    else if (message && !parts.includes(message)) parts.push(message);
    if (Array.isArray(current.errors) && current.errors.length > 0) {
      current = current.errors[0];
    } else {
      current = current.cause;
    }
  }
  return parts.join(': ') || String(error);
}
