import { createApiRef } from '@backstage/frontend-plugin-api';
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
  Page,
  Pipeline,
  PipelineRun,
  PipelineRunPhase,
  Run,
  RunSearchRequest,
  WriteResult,
} from './types';

export type { LlmOpsHealth } from './types';

/** Paging of the lists under an asset (versions, pipeline runs). @public */
export type SubListQuery = { pageSize?: number; cursor?: string };

/**
 * The browser's view of the /llm-ops/v1 API. Every method answers the `data` of the envelope
 * and throws `LlmOpsApiError` (with the envelope's message) on an error answer.
 *
 * @public
 */
export interface LlmOpsApi {
  getHealth(): Promise<LlmOpsHealth>;
  listIntegrations(): Promise<{ items: IntegrationStatus[] }>;

  listExperiments(query?: ListQuery): Promise<Page<Experiment>>;
  getExperiment(idOrName: string): Promise<Experiment>;

  searchRuns(request: RunSearchRequest): Promise<Page<Run>>;
  getRun(runId: string): Promise<Run>;
  /** The whole series, downsampled on the server to about `maxPoints` points. */
  getMetricHistory(
    runId: string,
    key: string,
    options?: { maxPoints?: number },
  ): Promise<MetricHistory>;

  listModels(query?: ListQuery): Promise<Page<Model>>;
  getModel(idOrName: string): Promise<Model>;
  listModelVersions(
    idOrName: string,
    query?: SubListQuery,
  ): Promise<Page<ModelVersion>>;

  listDatasets(query?: ListQuery): Promise<Page<Dataset>>;
  getDataset(idOrName: string): Promise<Dataset>;
  listDatasetVersions(
    idOrName: string,
    query?: SubListQuery,
  ): Promise<Page<DatasetVersion>>;

  listEndpoints(query?: ListQuery): Promise<Page<Endpoint>>;
  getEndpoint(idOrName: string): Promise<Endpoint>;
  /** The canary takes all the traffic (needs llm-ops.endpoint.promote). */
  promoteEndpoint(idOrName: string): Promise<WriteResult<Endpoint>>;
  /** The canary is removed; the stable version takes all the traffic again. */
  rollbackEndpoint(idOrName: string): Promise<WriteResult<Endpoint>>;

  listPipelines(query?: ListQuery): Promise<Page<Pipeline>>;
  getPipeline(idOrName: string): Promise<Pipeline>;
  listPipelineRuns(
    idOrName: string,
    query?: SubListQuery & { phase?: PipelineRunPhase },
  ): Promise<Page<PipelineRun>>;
  getPipelineRun(runId: string): Promise<PipelineRun>;

  getLineage(
    type: LineageNodeType,
    id: string,
    options?: { depth?: number },
  ): Promise<LineageGraph>;
}

/** @public */
export const llmOpsApiRef = createApiRef<LlmOpsApi>().with({
  id: 'plugin.llm-ops.client',
  pluginId: 'llm-ops',
});
