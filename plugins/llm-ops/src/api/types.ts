/*
 * The resources of /llm-ops/v1 as the browser sees them, written after
 * plugins/llm-ops-backend/src/schema/openapi.yaml (the contract; keep the two in step).
 * Dates are ISO strings as they travel in JSON.
 */

/** Where a resource comes from; `builtin` is the llm-ops store itself. @public */
export type Source = {
  integration: string;
  externalId?: string | null;
  url?: string | null;
};

/** Whether a list may be out of date, and which integrations are behind it. @public */
export type Freshness = {
  stale: boolean;
  degradedIntegrations: Array<{ id: string; since: string | null }>;
};

/** One page of a cursor-paged list. @public */
export type Page<T> = {
  items: T[];
  nextCursor: string | null;
  freshness: Freshness;
};

/** The fields every asset (experiment, model, dataset, endpoint, pipeline) has. @public */
export type AssetBase = {
  id: string;
  name: string;
  description: string | null;
  owner: string | null;
  tags: Record<string, string>;
  lifecycle: 'active' | 'deleted';
  createdAt: string;
  updatedAt: string;
  source: Source;
  syncedAt: string | null;
};

/** GET /v1/health. @public */
export type LlmOpsHealth = {
  plugin: string;
  version: string;
  database: { client: string };
  cache: { store: string; ok: boolean };
};

/** @public */
export type Experiment = AssetBase;

/** @public */
export type RunStatus =
  | 'RUNNING'
  | 'SCHEDULED'
  | 'FINISHED'
  | 'FAILED'
  | 'KILLED';

/** @public */
/** `value` is null where the metric is NaN or infinite (MLflow logs NaN; JSON cannot carry it). */
export type RunMetric = {
  value: number | null;
  step: number;
  timestamp: number;
};

/** @public */
export type Run = {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  startTime: string | null;
  endTime: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, RunMetric>;
  datasetVersionIds: string[];
  lifecycle: 'active' | 'deleted';
  createdAt: string;
  updatedAt: string;
  source: Source;
  syncedAt: string | null;
};

/** @public */
/** `value` is null where the point is NaN or infinite, as in RunMetric. */
export type MetricPoint = {
  step: number;
  timestamp: number;
  value: number | null;
};

/** GET /v1/runs/{runId}/metrics/{key}/history. @public */
export type MetricHistory = {
  runId: string;
  key: string;
  points: MetricPoint[];
  nextCursor: string | null;
  downsampled: boolean;
};

/** @public */
export type Model = AssetBase & {
  aliases: Record<string, string>;
  latestVersion: string | null;
};

/** @public */
export type ModelVersion = {
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  description: string | null;
  sourceRunId: string | null;
  artifactUri: string;
  status: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';
  aliases: string[];
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  source: Source;
  syncedAt: string | null;
  /** Listed by registries that know them (the Hugging Face Hub), absent otherwise. */
  files?: { path: string; sizeBytes: number; lfs: boolean }[] | null;
};

/** @public */
export type Dataset = AssetBase & { latestVersion: string | null };

/** @public */
export type DatasetVersion = {
  id: string;
  datasetId: string;
  datasetName: string;
  version: string;
  description: string | null;
  uri: string;
  digest: string | null;
  sizeBytes: number | null;
  fileCount: number | null;
  format: string | null;
  schema: Record<string, unknown> | null;
  sourceRepository: {
    repository: string;
    path: string | null;
    revision: string | null;
  } | null;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  source: Source;
  syncedAt: string | null;
};

/** @public */
export type EndpointTrafficEntry = {
  modelVersionId: string;
  modelName: string;
  version: string;
  percent: number;
  role: 'stable' | 'canary';
};

/** @public */
export type EndpointCondition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string | null;
  message: string | null;
  lastTransitionTime: string | null;
};

/** @public */
export type Endpoint = AssetBase & {
  runtime: 'kserve' | 'ray-serve' | 'builtin';
  cluster: string | null;
  namespace: string | null;
  url: string | null;
  desired: {
    traffic: EndpointTrafficEntry[];
    minReplicas: number;
    maxReplicas: number;
  };
  observed: {
    state: 'Ready' | 'NotReady' | 'Unknown';
    conditions: EndpointCondition[];
    traffic: EndpointTrafficEntry[];
    latestReadyRevision: string | null;
    latestRolledOutRevision: string | null;
    observedAt: string | null;
  };
};

/** @public */
export type Pipeline = AssetBase & {
  runtime: 'argo' | 'builtin' | 'dvc';
  templateRef: {
    kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate';
    name: string;
  } | null;
  cluster: string | null;
  namespace: string | null;
  parameters: Record<string, string>;
};

/** @public */
export type PipelineRunPhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Error';

/** @public */
export type PipelineRunNode = {
  id: string;
  name: string;
  displayName: string;
  type: string;
  phase:
    | 'Pending'
    | 'Running'
    | 'Succeeded'
    | 'Skipped'
    | 'Failed'
    | 'Error'
    | 'Omitted';
  startedAt: string | null;
  finishedAt: string | null;
  message: string | null;
};

/** @public */
export type PipelineRun = {
  id: string;
  pipelineId: string;
  pipelineName: string;
  name: string;
  parameters: Record<string, string>;
  phase: PipelineRunPhase;
  progress: string | null;
  nodes: PipelineRunNode[];
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  cluster: string | null;
  namespace: string | null;
  source: Source;
  syncedAt: string | null;
};

/** GET /v1/integrations: one tool (or the built-in store) and how it is doing. @public */
export type IntegrationStatus = {
  id: string;
  type: string;
  categories: string[];
  enabled: boolean;
  state: 'up' | 'degraded' | 'down';
  lastError: string | null;
  lastSuccessfulSyncAt: string | null;
  since: string | null;
  outboxDepth: number;
};

/** @public */
export type LineageNodeType =
  | 'experiment'
  | 'run'
  | 'model'
  | 'model-version'
  | 'dataset'
  | 'dataset-version'
  | 'endpoint'
  | 'pipeline'
  | 'pipeline-run';

/** @public */
export type LineageNode = {
  type: LineageNodeType | 'hidden';
  id: string;
  label: string;
  direction: 'root' | 'upstream' | 'downstream';
  distance: number;
};

/** @public */
export type LineageEdge = {
  from: string;
  to: string;
  relation: 'used' | 'produced' | 'serves' | 'ran' | 'contains';
};

/** GET /v1/lineage/{type}/{id}. @public */
export type LineageGraph = {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
};

/** A write accepted while its tool was down, waiting in the outbox (a 202 answer). @public */
export type OutboxRef = {
  id: number;
  state: 'pending' | 'done' | 'failed';
  integration: string;
};

/** The answer of a write: the resource, and the outbox entry when it was queued (202). @public */
export type WriteResult<T> = { resource: T; outbox?: OutboxRef };

/** Query of the asset lists (experiments, models, datasets, endpoints, pipelines). @public */
export type ListQuery = {
  pageSize?: number;
  cursor?: string;
  orderBy?:
    | 'name'
    | '-name'
    | 'createdAt'
    | '-createdAt'
    | 'updatedAt'
    | '-updatedAt';
  /** Only names containing this text. */
  q?: string;
  owner?: string;
  /** `key` or `key=value`. */
  tag?: string;
  lifecycle?: 'active' | 'deleted' | 'all';
};

/** Body of POST /v1/runs/search. @public */
export type RunSearchRequest = {
  experimentIds: string[];
  /** MLflow-style, e.g. `metrics.accuracy > 0.9 and params.lr = '0.01'`. */
  filter?: string;
  /** e.g. `metrics.accuracy DESC`. */
  orderBy?: string[];
  pageSize?: number;
  cursor?: string;
  includeDeleted?: boolean;
};
