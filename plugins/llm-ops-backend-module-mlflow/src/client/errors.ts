/**
 * MLflow answered with a non-2xx status. `errorCode` is MLflow's `error_code` (for example
 * `RESOURCE_DOES_NOT_EXIST`), absent when the body was not an MLflow error (a proxy's HTML page, the
 * security middleware's plain-text 403).
 *
 * The message names the method, the API path and MLflow's own message; it never contains the
 * base URL's host, query strings or credentials.
 *
 * @public
 */
export class MlflowApiError extends Error {
  readonly name = 'MlflowApiError';
  /** The HTTP method of the failed request. */
  readonly method: string;
  /** The API path of the failed request, without host or query string. */
  readonly path: string;
  readonly status: number;
  readonly errorCode?: string;
  /** MLflow's `message`, or the start of a body that was not MLflow JSON. */
  readonly serverMessage: string;

  constructor(options: {
    method: string;
    path: string;
    status: number;
    errorCode?: string;
    serverMessage: string;
  }) {
    const code = options.errorCode ? ` ${options.errorCode}` : '';
    super(
      `MLflow ${options.method} ${options.path} failed with ${options.status}${code}: ${options.serverMessage}`,
    );
    this.method = options.method;
    this.path = options.path;
    this.status = options.status;
    this.errorCode = options.errorCode;
    this.serverMessage = options.serverMessage;
  }
}

/**
 * No answer from MLflow: the request timed out (`timedOut`), the connection failed, or the body of
 * a successful answer was not JSON. The original error is the `cause`.
 *
 * @public
 */
export class MlflowRequestError extends Error {
  readonly name = 'MlflowRequestError';
  readonly timedOut: boolean;

  constructor(options: {
    method: string;
    path: string;
    reason: string;
    timedOut?: boolean;
    cause?: unknown;
  }) {
    super(`MLflow ${options.method} ${options.path} ${options.reason}`, {
      cause: options.cause,
    });
    this.timedOut = options.timedOut ?? false;
  }
}
