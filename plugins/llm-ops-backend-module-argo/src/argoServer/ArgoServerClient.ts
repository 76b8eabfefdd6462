import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The Argo Server answered with a non-2xx status. `status` is the HTTP status; `grpcCode` the
 * gRPC code of its grpc-gateway error body (`{"code": 5, "message": "..."}`), when there was one.
 *
 * @public
 */
export class ArgoServerApiError extends Error {
  readonly name = 'ArgoServerApiError';
  readonly status: number;
  readonly grpcCode?: number;
  readonly serverMessage: string;
  readonly method: string;
  readonly path: string;

  constructor(options: {
    server: string;
    method: string;
    path: string;
    status: number;
    grpcCode?: number;
    serverMessage: string;
  }) {
    super(
      `Argo Server '${options.server}': ${options.method} ${options.path} failed with ${options.status}: ${options.serverMessage}`,
    );
    this.status = options.status;
    this.grpcCode = options.grpcCode;
    this.serverMessage = options.serverMessage;
    this.method = options.method;
    this.path = options.path;
  }
}

/**
 * No usable answer from the Argo Server: connection failure, TLS failure, timeout (`timedOut`) or
 * a 2xx body that is not JSON. No `status`: the backend treats it as "unavailable, retry later".
 *
 * @public
 */
export class ArgoServerRequestError extends Error {
  readonly name = 'ArgoServerRequestError';
  readonly timedOut: boolean;

  constructor(options: {
    server: string;
    method: string;
    path: string;
    reason: string;
    timedOut?: boolean;
    cause?: unknown;
  }) {
    super(
      `Argo Server '${options.server}': ${options.method} ${options.path} ${options.reason}`,
      { cause: options.cause },
    );
    this.timedOut = options.timedOut ?? false;
  }
}

/** @public */
export type ArgoServerClientOptions = {
  /** The configured name, for messages. */
  name: string;
  /** The server's root URL (port 2746 by default), without a trailing slash. */
  baseUrl: string;
  /** A Kubernetes bearer token (Argo's `client` auth mode), with or without the `Bearer ` prefix. */
  token?: string;
  /** Base64 of the PEM CA that signed the server's certificate (Argo's is self-signed by default). */
  caData?: string;
  /** Per request, including reading the answer. Default 30 000. */
  timeoutMs?: number;
};

/**
 * Transport for the Argo Server's REST API (`/api/v1/...`, grpc-gateway JSON): sends JSON, parses
 * JSON, maps failures onto the two errors above. Messages name the method and the path without its
 * query string, never the token.
 *
 * @public
 */
export class ArgoServerClient {
  readonly name: string;
  readonly baseUrl: string;
  private readonly authorization?: string;
  private readonly ca?: Buffer;
  private readonly timeoutMs: number;

  constructor(options: ArgoServerClientOptions) {
    this.name = options.name;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (options.token) {
      this.authorization = /^bearer /i.test(options.token)
        ? options.token
        : `Bearer ${options.token}`;
    }
    if (options.caData) this.ca = Buffer.from(options.caData, 'base64');
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    const shownPath = path.split('?')[0];
    const fail = (
      reason: string,
      extra: { timedOut?: boolean; cause?: unknown } = {},
    ) =>
      new ArgoServerRequestError({
        server: this.name,
        method,
        path: shownPath,
        reason,
        ...extra,
      });
    const networkFailure = (error: unknown) => {
      const code = (error as { code?: string }).code;
      const timedOut = code === 'ETIMEDOUT_LLM_OPS';
      return fail(
        timedOut
          ? `timed out after ${this.timeoutMs} ms`
          : `failed: ${code ?? messageOf(error)}`,
        { timedOut, cause: error },
      );
    };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (this.authorization) headers.Authorization = this.authorization;

    return new Promise<T>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method,
          headers,
          ...(url.protocol === 'https:' && this.ca ? { ca: this.ca } : {}),
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', chunk => chunks.push(chunk));
          res.on('error', error => reject(networkFailure(error)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            let json: any;
            try {
              json = text === '' ? {} : JSON.parse(text);
            } catch {
              json = undefined;
            }
            if (status >= 200 && status < 300) {
              if (json === undefined) {
                reject(fail(`answered ${status} with a body that is not JSON`));
              } else {
                resolve(json as T);
              }
              return;
            }
            reject(
              new ArgoServerApiError({
                server: this.name,
                method,
                path: shownPath,
                status,
                grpcCode:
                  typeof json?.code === 'number' ? json.code : undefined,
                serverMessage:
                  (typeof json?.message === 'string' && json.message) ||
                  (typeof json?.error === 'string' && json.error) ||
                  text.slice(0, 300).trim() ||
                  (res.statusMessage ?? ''),
              }),
            );
          });
        },
      );
      // A deadline for the whole exchange, answer included (a socket timeout would only catch silence).
      const timer = setTimeout(() => {
        req.destroy(
          Object.assign(new Error(`timed out after ${this.timeoutMs} ms`), {
            code: 'ETIMEDOUT_LLM_OPS',
          }),
        );
      }, this.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', error => reject(networkFailure(error)));
      req.end(payload);
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
