/*
 * The shapes of the llm-ops /v1 API that the actions read and write (see
 * plugins/llm-ops-backend/src/schema/openapi.yaml). Only the fields the actions use are listed;
 * dates arrive as ISO strings.
 */

/** Where a resource comes from; `url` is the resource in its tool's own UI. */
export type ApiSource = {
  integration: string;
  externalId?: string | null;
  url?: string | null;
};

/** What every asset (experiment, model, dataset, endpoint, pipeline) has. */
export type ApiAsset = {
  id: string;
  name: string;
  description: string | null;
  owner: string | null;
  tags: Record<string, string>;
  lifecycle: 'active' | 'deleted';
  source: ApiSource;
};

export type ApiExperiment = ApiAsset;

export type ApiRun = {
  id: string;
  experimentId: string;
  name: string;
  status: string;
  source: ApiSource;
};

export type ApiModel = ApiAsset & {
  aliases: Record<string, string>;
  latestVersion: string | null;
};

export type ApiModelVersion = {
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  sourceRunId: string | null;
  artifactUri: string;
  status: string;
  aliases: string[];
  source: ApiSource;
};

export type ApiDataset = ApiAsset & { latestVersion: string | null };

export type ApiDatasetVersion = {
  id: string;
  datasetId: string;
  datasetName: string;
  version: string;
  uri: string;
  digest: string | null;
  sizeBytes: number | null;
  format: string | null;
  sourceRepository: {
    repository: string;
    path: string | null;
    revision: string | null;
  } | null;
  source: ApiSource;
};

export type EndpointRuntime = 'kserve' | 'ray-serve' | 'builtin';

export type ApiTrafficEntry = {
  modelVersionId: string;
  modelName: string;
  version: string;
  percent: number;
  role: 'stable' | 'canary';
};

export type ApiEndpoint = ApiAsset & {
  runtime: EndpointRuntime;
  cluster: string | null;
  namespace: string | null;
  url: string | null;
  desired: {
    traffic: ApiTrafficEntry[];
    minReplicas: number;
    maxReplicas: number;
  };
  observed: { state: 'Ready' | 'NotReady' | 'Unknown' };
};

export type ApiPipeline = ApiAsset & {
  runtime: 'argo' | 'builtin';
  parameters: Record<string, string>;
};

export type PipelineRunPhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Error';

export type ApiPipelineRunNode = {
  id: string;
  name: string;
  displayName: string;
  type: string;
  phase: string;
  message: string | null;
};

export type ApiPipelineRun = {
  id: string;
  pipelineId: string;
  pipelineName: string;
  name: string;
  parameters: Record<string, string>;
  phase: PipelineRunPhase;
  progress: string | null;
  nodes: ApiPipelineRunNode[];
  source: ApiSource;
};

/** A write the API accepted while its tool was down (HTTP 202): it waits in the outbox. */
export type ApiOutboxRef = {
  id: number;
  state: 'pending' | 'done' | 'failed';
  integration: string;
};

/** The outcome of a create: the resource, and the outbox entry when the write was queued. */
export type WriteResult<T> = {
  resource: T;
  queued?: ApiOutboxRef;
  /** The API's own summary, e.g. "Experiment 'x' created; queued: mlflow:prod is unavailable…". */
  message: string;
};
