/*
 * The parts of the llm-ops /v1 API (plugins/llm-ops-backend/src/schema/openapi.yaml) that the
 * provider reads.
 */

export type Source = {
  integration: string;
  externalId?: string | null;
  url?: string | null;
};

type AssetBase = {
  id: string;
  name: string;
  description: string | null;
  owner: string | null;
  tags: Record<string, string>;
  lifecycle: 'active' | 'deleted';
  createdAt: string;
  updatedAt: string;
  source: Source;
};

export type ApiExperiment = AssetBase;

export type ApiModel = AssetBase & {
  aliases: Record<string, string>;
  latestVersion: string | null;
};

export type ApiDataset = AssetBase & { latestVersion: string | null };

export type ApiTrafficEntry = {
  modelVersionId: string;
  modelName: string;
  version: string;
  percent: number;
  role: 'stable' | 'canary';
};

export type ApiEndpoint = AssetBase & {
  runtime: string;
  cluster: string | null;
  namespace: string | null;
  url: string | null;
  desired: { traffic: ApiTrafficEntry[] };
  observed: { state: string; traffic: ApiTrafficEntry[] };
};

export type ApiPipeline = AssetBase & {
  runtime: string;
  templateRef: {
    kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate';
    name: string;
  } | null;
  cluster: string | null;
  namespace: string | null;
};

export type ApiModelVersion = {
  id: string;
  modelId: string;
  version: string;
  sourceRunId: string | null;
  status: string;
  aliases: string[];
  createdAt: string;
  source: Source;
};

export type ApiDatasetVersion = {
  id: string;
  datasetId: string;
  version: string;
  uri: string;
  format: string | null;
  sourceRepository: {
    repository: string;
    path: string | null;
    revision: string | null;
  } | null;
  createdAt: string;
  source: Source;
};

export type ApiRun = {
  id: string;
  experimentId: string;
  datasetVersionIds: string[];
};

export type ApiLineageGraph = {
  root: string;
  nodes: Array<{ type: string; id: string; label: string }>;
  edges: Array<{ from: string; to: string; relation: string }>;
};

/** A lineage edge leaving a pipeline run (GET /v1/pipeline-run-edges). */
export type ApiPipelineRunEdge = {
  pipelineId: string;
  pipelineRunId: string;
  relation: 'ran' | 'used' | 'produced';
  toType: 'run' | 'dataset-version' | 'model-version';
  toId: string;
  /** For `ran`, the experiment of the run; null otherwise, or when the run is gone. */
  experimentId: string | null;
};

export type Page<T> = { items: T[]; nextCursor: string | null };

/** The llm-ops asset kinds, as the API names them. */
export type AssetKind =
  | 'experiment'
  | 'model'
  | 'dataset'
  | 'endpoint'
  | 'pipeline';

export type AnyAsset =
  | { kind: 'experiment'; asset: ApiExperiment }
  | { kind: 'model'; asset: ApiModel }
  | { kind: 'dataset'; asset: ApiDataset }
  | { kind: 'endpoint'; asset: ApiEndpoint }
  | { kind: 'pipeline'; asset: ApiPipeline };
