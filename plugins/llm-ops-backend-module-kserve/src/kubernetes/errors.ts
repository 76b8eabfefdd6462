import { ApiException } from '@kubernetes/client-node';

/** One field the API server named in a validation failure (`details.causes` of a Status). */
export type KubernetesErrorCause = {
  field?: string;
  reason?: string;
  message?: string;
};

/**
 * The Kubernetes API server answered with a non-2xx status. `status` is its HTTP status (for
 * example 422 when the CRD's schema rejects an object, 404, 409 on a conflict); `reason` is the
 * Status reason (`Invalid`, `NotFound`, `AlreadyExists`, ...). The backend treats a `status`
 * below 500 (other than 408 and 429) as permanent.
 *
 * The message names the cluster, method and API path and the server's own message; never the
 * server's address or credentials.
 *
 * @public
 */
export class KubernetesApiError extends Error {
  readonly name = 'KubernetesApiError';
  readonly status: number;
  readonly reason?: string;
  readonly causes: KubernetesErrorCause[];
  readonly method: string;
  readonly path: string;
  /** The server's `message`, or the start of a body that was not a Status. */
  readonly serverMessage: string;

  constructor(options: {
    cluster: string;
    method: string;
    path: string;
    status: number;
    reason?: string;
    serverMessage: string;
    causes?: KubernetesErrorCause[];
  }) {
    const reason = options.reason ? ` ${options.reason}` : '';
    super(
      `Kubernetes cluster '${options.cluster}': ${options.method} ${options.path} failed with ${options.status}${reason}: ${options.serverMessage}`,
    );
    this.status = options.status;
    this.reason = options.reason;
    this.causes = options.causes ?? [];
    this.method = options.method;
    this.path = options.path;
    this.serverMessage = options.serverMessage;
  }
}

/**
 * No answer from the API server: refused or reset connection, TLS failure, DNS failure, or a
 * timeout (`timedOut`). It has no `status`, so the backend treats it as "unavailable, retry
 * later". The original error is the `cause`.
 *
 * @public
 */
export class KubernetesRequestError extends Error {
  readonly name = 'KubernetesRequestError';
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
      `Kubernetes cluster '${options.cluster}': ${options.method} ${options.path} ${options.reason}`,
      { cause: options.cause },
    );
    this.timedOut = options.timedOut ?? false;
  }
}

/**
 * A request the adapter refuses before sending it, because the tool cannot express it. Carries a
 * `status` below 500 (400 for bad input, 409 when the cluster's current state does not allow it)
 * so that the backend does not retry it.
 *
 * @public
 */
export class KubernetesAdapterError extends Error {
  readonly name = 'KubernetesAdapterError';
  readonly status: number;

  constructor(status: 400 | 404 | 409, message: string) {
    super(message);
    this.status = status;
  }
}

/** Turns whatever the client threw into one of the errors above. */
export function toKubernetesError(
  error: unknown,
  request: { cluster: string; method: string; path: string },
): Error {
  if (
    error instanceof KubernetesApiError ||
    error instanceof KubernetesRequestError ||
    error instanceof KubernetesAdapterError
  ) {
    return error;
  }
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    return new KubernetesApiError({
      ...request,
      status: error.code,
      reason: status?.reason,
      causes: status?.causes,
      serverMessage:
        status?.message ??
        String(error.body ?? '')
          .slice(0, 300)
          .trim(),
    });
  }
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new KubernetesRequestError({
      ...request,
      reason: name === 'TimeoutError' ? 'timed out' : 'was aborted',
      timedOut: name === 'TimeoutError',
      cause: error,
    });
  }
  return new KubernetesRequestError({
    ...request,
    reason: `failed: ${describeNetworkError(error)}`,
    cause: error,
  });
}

function parseStatus(
  body: unknown,
):
  | { message?: string; reason?: string; causes?: KubernetesErrorCause[] }
  | undefined {
  let value: any = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (!value || typeof value !== 'object' || value.kind !== 'Status') {
    return undefined;
  }
  const causes = Array.isArray(value.details?.causes)
    ? value.details.causes.map((c: any) => ({
        ...(typeof c?.field === 'string' ? { field: c.field } : {}),
        ...(typeof c?.reason === 'string' ? { reason: c.reason } : {}),
        ...(typeof c?.message === 'string' ? { message: c.message } : {}),
      }))
    : undefined;
  return {
    message: typeof value.message === 'string' ? value.message : undefined,
    reason: typeof value.reason === 'string' ? value.reason : undefined,
    causes,
  };
}

/** `fetch failed` says nothing; the system error code (ECONNREFUSED, ...) sits in the causes. */
function describeNetworkError(error: unknown): string {
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

/** The message of an error, for health reports; these messages carry no credentials. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
