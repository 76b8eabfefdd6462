import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type { LlmOpsApi, SubListQuery } from './LlmOpsApi';
import type {
  Dataset,
  DatasetVersion,
  Endpoint,
  Experiment,
  IntegrationStatus,
  LineageGraph,
  LineageNodeType,
  ListQuery,
  LlmOpsHealth,
  MetricHistory,
  Model,
  ModelVersion,
  OutboxRef,
  Page,
  Pipeline,
  PipelineRun,
  PipelineRunPhase,
  Run,
  RunSearchRequest,
  WriteResult,
} from './types';

/**
 * An error answered by the llm-ops backend, carrying the envelope's message, the error name and,
 * for input errors, the field it is about.
 *
 * @public
 */
export class LlmOpsApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorName: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'LlmOpsApiError';
  }
}

type Envelope<T> = { status: 'success' | 'error'; message: string; data: T };

type Query = Record<string, string | number | boolean | undefined>;

const enc = encodeURIComponent;

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Talks to /api/llm-ops/v1 through Backstage's fetchApi, which attaches the user's token.
 *
 * @public
 */
export class LlmOpsClient implements LlmOpsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(): Promise<LlmOpsHealth> {
    return this.get('/v1/health');
  }

  listIntegrations(): Promise<{ items: IntegrationStatus[] }> {
    return this.get('/v1/integrations');
  }

  listExperiments(query?: ListQuery): Promise<Page<Experiment>> {
    return this.get(`/v1/experiments${queryString(query)}`);
  }

  getExperiment(idOrName: string): Promise<Experiment> {
    return this.get(`/v1/experiments/${enc(idOrName)}`);
  }

  searchRuns(request: RunSearchRequest): Promise<Page<Run>> {
    return this.send<Page<Run>>('POST', '/v1/runs/search', request).then(
      r => r.resource,
    );
  }

  getRun(runId: string): Promise<Run> {
    return this.get(`/v1/runs/${enc(runId)}`);
  }

  getMetricHistory(
    runId: string,
    key: string,
    options?: { maxPoints?: number },
  ): Promise<MetricHistory> {
    return this.get(
      `/v1/runs/${enc(runId)}/metrics/${enc(key)}/history${queryString({
        maxPoints: options?.maxPoints,
      })}`,
    );
  }

  listModels(query?: ListQuery): Promise<Page<Model>> {
    return this.get(`/v1/models${queryString(query)}`);
  }

  getModel(idOrName: string): Promise<Model> {
    return this.get(`/v1/models/${enc(idOrName)}`);
  }

  listModelVersions(
    idOrName: string,
    query?: SubListQuery,
  ): Promise<Page<ModelVersion>> {
    return this.get(
      `/v1/models/${enc(idOrName)}/versions${queryString(query)}`,
    );
  }

  listDatasets(query?: ListQuery): Promise<Page<Dataset>> {
    return this.get(`/v1/datasets${queryString(query)}`);
  }

  getDataset(idOrName: string): Promise<Dataset> {
    return this.get(`/v1/datasets/${enc(idOrName)}`);
  }

  listDatasetVersions(
    idOrName: string,
    query?: SubListQuery,
  ): Promise<Page<DatasetVersion>> {
    return this.get(
      `/v1/datasets/${enc(idOrName)}/versions${queryString(query)}`,
    );
  }

  listEndpoints(query?: ListQuery): Promise<Page<Endpoint>> {
    return this.get(`/v1/endpoints${queryString(query)}`);
  }

  getEndpoint(idOrName: string): Promise<Endpoint> {
    return this.get(`/v1/endpoints/${enc(idOrName)}`);
  }

  promoteEndpoint(idOrName: string): Promise<WriteResult<Endpoint>> {
    return this.send('POST', `/v1/endpoints/${enc(idOrName)}/promote`);
  }

  rollbackEndpoint(idOrName: string): Promise<WriteResult<Endpoint>> {
    return this.send('POST', `/v1/endpoints/${enc(idOrName)}/rollback`);
  }

  listPipelines(query?: ListQuery): Promise<Page<Pipeline>> {
    return this.get(`/v1/pipelines${queryString(query)}`);
  }

  getPipeline(idOrName: string): Promise<Pipeline> {
    return this.get(`/v1/pipelines/${enc(idOrName)}`);
  }

  listPipelineRuns(
    idOrName: string,
    query?: SubListQuery & { phase?: PipelineRunPhase },
  ): Promise<Page<PipelineRun>> {
    return this.get(`/v1/pipelines/${enc(idOrName)}/runs${queryString(query)}`);
  }

  getPipelineRun(runId: string): Promise<PipelineRun> {
    return this.get(`/v1/pipeline-runs/${enc(runId)}`);
  }

  getLineage(
    type: LineageNodeType,
    id: string,
    options?: { depth?: number },
  ): Promise<LineageGraph> {
    return this.get(
      `/v1/lineage/${enc(type)}/${enc(id)}${queryString({
        depth: options?.depth,
      })}`,
    );
  }

  private async get<T>(path: string): Promise<T> {
    const { resource } = await this.send<T>('GET', path);
    return resource;
  }

  /**
   * One call of the API. A 202 answer (a write queued in the outbox while its tool is down)
   * carries `{outbox, resource}`; every other success carries the resource itself.
   */
  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<WriteResult<T>> {
    const baseUrl = await this.discoveryApi.getBaseUrl('llm-ops');
    const url = `${baseUrl}${path}`;
    const response = await (method === 'GET' && body === undefined
      ? this.fetchApi.fetch(url)
      : this.fetchApi.fetch(url, {
          method,
          headers:
            body === undefined
              ? undefined
              : { 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }));
    let envelope: Envelope<any> | undefined;
    try {
      envelope = await response.json();
    } catch {
      envelope = undefined;
    }
    if (!response.ok || envelope?.status !== 'success') {
      throw new LlmOpsApiError(
        envelope?.message ??
          `Request failed with ${response.status} ${response.statusText}`,
        response.status,
        envelope?.data?.error?.name ?? 'Error',
        envelope?.data?.error?.field,
      );
    }
    if (response.status === 202 && envelope.data?.outbox) {
      return {
        resource: envelope.data.resource as T,
        outbox: envelope.data.outbox as OutboxRef,
      };
    }
    return { resource: envelope.data as T };
  }
}
