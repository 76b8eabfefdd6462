import http from 'node:http';
import https from 'node:https';
import type { RayServeClusterConfig } from '../config';
import {
  RayServeApiError,
  RayServeRequestError,
  describeNetworkError,
  plainText,
} from './errors';
import type { ServeDeployConfig, ServeInstanceDetails } from './types';

/** The Serve REST API's path; the trailing slash is part of it. */
export const SERVE_APPLICATIONS_PATH = '/api/serve/applications/';
const VERSION_PATH = '/api/ray/version';

/** @public */
export type RayDashboardClientOptions = {
  cluster: Pick<RayServeClusterConfig, 'name' | 'dashboardUrl' | 'token'>;
  /** Per request; defaults to 60 s (the first PUT on a cluster starts Serve, which takes a while). */
  timeoutMs?: number;
};

/**
 * A small client for the Serve REST API on a Ray cluster's dashboard. Every request has a
 * timeout; failures become `RayServeApiError` (Ray answered with an error status) or
 * `RayServeRequestError` (no usable answer).
 *
 * @public
 */
export class RayDashboardClient {
  readonly name: string;
  private readonly baseUrl: string;
  private readonly token?: string;
  private readonly timeoutMs: number;

  constructor(options: RayDashboardClientOptions) {
    this.name = options.cluster.name;
    this.baseUrl = options.cluster.dashboardUrl.replace(/\/+$/, '');
    this.token = options.cluster.token;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** The dashboard's URL, for building the applications' URLs; no credentials in it. */
  get dashboardUrl(): string {
    return this.baseUrl;
  }

  /** `GET /api/serve/applications/`: Serve's state with every application. */
  async getServeInstance(): Promise<ServeInstanceDetails> {
    const body = await this.request('GET', SERVE_APPLICATIONS_PATH);
    const details = this.parseJson(body, 'GET', SERVE_APPLICATIONS_PATH);
    const applications = (details as { applications?: unknown })?.applications;
    if (
      !details ||
      typeof details !== 'object' ||
      Array.isArray(details) ||
      (applications !== undefined &&
        (applications === null ||
          typeof applications !== 'object' ||
          Array.isArray(applications)))
    ) {
      throw new RayServeRequestError({
        cluster: this.name,
        method: 'GET',
        path: SERVE_APPLICATIONS_PATH,
        reason:
          'answered with JSON that is not Serve instance details; is dashboardUrl the Ray dashboard?',
      });
    }
    return {
      ...(details as ServeInstanceDetails),
      applications: (applications ??
        {}) as ServeInstanceDetails['applications'],
    };
  }

  /**
   * `PUT /api/serve/applications/`: replaces the whole set of declaratively deployed applications.
   * Ray answers as soon as the controller has the new config; the applications deploy afterwards.
   */
  async putApplications(config: ServeDeployConfig): Promise<void> {
    await this.request('PUT', SERVE_APPLICATIONS_PATH, config);
  }

  /** `GET /api/ray/version`: `{ version, ray_version, ray_commit, session_name }`. */
  async getVersion(): Promise<{ ray_version?: string; session_name?: string }> {
    const body = await this.request('GET', VERSION_PATH);
    return this.parseJson(body, 'GET', VERSION_PATH) as {
      ray_version?: string;
    };
  }

  private async request(
    method: 'GET' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<string> {
    let response: { status: number; statusText: string; text: string };
    try {
      response = await this.send(method, path, body);
    } catch (error) {
      const timedOut = (error as { name?: string })?.name === 'TimeoutError';
      throw new RayServeRequestError({
        cluster: this.name,
        method,
        path,
        reason: timedOut
          ? `timed out after ${this.timeoutMs} ms`
          : `failed: ${describeNetworkError(error)}`,
        timedOut,
        cause: error,
      });
    }
    if (response.status < 200 || response.status > 299) {
      throw new RayServeApiError({
        cluster: this.name,
        method,
        path,
        status: response.status,
        serverMessage: summarize(response.text) || response.statusText,
      });
    }
    return response.text;
  }

  /**
   * One request with `node:http(s)`, not `fetch`: Node's fetch always sends `Sec-Fetch-Mode`,
   * which makes Ray's dashboard take the request for a browser's, refuse every PUT with 405
   * ("'PUT' method not allowed for browser traffic") and redact the `env_vars` of the
   * applications' runtime_env in a GET, which a declarative PUT would then write back.
   */
  private send(
    method: 'GET' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; statusText: string; text: string }> {
    const url = new URL(`${this.baseUrl}${path}`);
    const transport = url.protocol === 'https:' ? https : http;
    const payload =
      body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = {
      accept: 'application/json',
      'user-agent': 'llm-ops-ray-serve-adapter',
    };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let timer: NodeJS.Timeout | undefined;
    return new Promise<{ status: number; statusText: string; text: string }>(
      (resolve, reject) => {
        const request = transport.request(
          url,
          { method, headers },
          response => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                statusText: response.statusMessage ?? '',
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            );
          },
        );
        request.on('error', reject);
        timer = setTimeout(() => {
          const error = new Error(`timed out after ${this.timeoutMs} ms`);
          error.name = 'TimeoutError';
          request.destroy(error);
        }, this.timeoutMs);
        request.end(payload);
      },
    ).finally(() => clearTimeout(timer));
  }

  private parseJson(text: string, method: string, path: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new RayServeRequestError({
        cluster: this.name,
        method,
        path,
        reason: `answered with a body that is not JSON: ${JSON.stringify(
          text.slice(0, 100),
        )}`,
        cause: error,
      });
    }
  }
}

/**
 * Ray's error bodies are plain text: a pydantic validation error (a few lines) for a rejected
 * config, a Python traceback for a failure. Long ones keep their start and their last line, which
 * names the exception.
 */
export function summarize(text: string, max = 1000): string {
  const plain = plainText(text);
  if (plain.length <= max) return plain;
  const lines = plain.split('\n').filter(line => line.trim() !== '');
  const last = lines[lines.length - 1] ?? '';
  const head = plain.slice(0, Math.max(0, max - last.length - 5)).trimEnd();
  return `${head} ... ${last.trim()}`;
}
