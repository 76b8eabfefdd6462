import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type { LlmOpsApi, LlmOpsHealth } from './LlmOpsApi';

/** An error answered by the llm-ops backend, carrying the envelope's message and error name. */
export class LlmOpsApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorName: string,
  ) {
    super(message);
    this.name = 'LlmOpsApiError';
  }
}

type Envelope<T> = { status: 'success' | 'error'; message: string; data: T };

/** Talks to /api/llm-ops/v1 through Backstage's fetchApi, which attaches the user's token. */
export class LlmOpsClient implements LlmOpsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(): Promise<LlmOpsHealth> {
    return this.get<LlmOpsHealth>('/v1/health');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('llm-ops');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    let body: Envelope<any> | undefined;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (!response.ok || body?.status !== 'success') {
      throw new LlmOpsApiError(
        body?.message ??
          `Request failed with ${response.status} ${response.statusText}`,
        response.status,
        body?.data?.error?.name ?? 'Error',
      );
    }
    return body.data as T;
  }
}
