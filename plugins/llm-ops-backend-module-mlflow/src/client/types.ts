/*
 * MLflow's REST API 2.0 wire shapes, field for field as the server sends and accepts them
 * (snake_case proto names). Mapping them into the llm-ops domain is the job of the adapter, not of
 * these types.
 *
 * MLflow omits fields that hold their default value and repeated fields that are empty, so most
 * fields are optional even when the server always "has" them; an absent array means empty.
 * Timestamps are epoch milliseconds; 64-bit integers arrive as JSON numbers.
 */

/** A key and a value, the shape of every MLflow tag and param. @public */
export interface MlflowKeyValue {
  key: string;
  value: string;
}

/** Which entities a search includes, by lifecycle stage. @public */
export type MlflowViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** An experiment's or a run's soft-delete state. @public */
export type MlflowLifecycleStage = 'active' | 'deleted';

/** @public */
export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: MlflowLifecycleStage;
  last_update_time?: number;
  creation_time?: number;
  tags?: MlflowKeyValue[];
  /** Only on servers started with workspaces; `default` otherwise. */
  workspace?: string;
}

/** @public */
export type MlflowRunStatus =
  | 'RUNNING'
  | 'SCHEDULED'
  | 'FINISHED'
  | 'FAILED'
  | 'KILLED';

/** @public */
export interface MlflowRunInfo {
  run_id: string;
  /** Deprecated alias of `run_id` that the server still sends. */
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: MlflowRunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: MlflowLifecycleStage;
}

/**
 * A metric value. JSON has no literal for the non-finite doubles, so MLflow writes them as the
 * strings `"NaN"`, `"Infinity"` and `"-Infinity"`. Its SQL store keeps NaN but saves the
 * infinities as plus or minus `Number.MAX_VALUE`, so in practice only `"NaN"` comes back.
 *
 * @public
 */
export type MlflowMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** One logged metric point. @public */
export interface MlflowMetric {
  key: string;
  value: MlflowMetricValue;
  timestamp: number;
  step?: number;
  dataset_name?: string;
  dataset_digest?: string;
  model_id?: string;
  run_id?: string;
}

/** @public */
export interface MlflowRunData {
  /** Only the latest value of each metric key; the full series is in the metric history. */
  metrics?: MlflowMetric[];
  params?: MlflowKeyValue[];
  tags?: MlflowKeyValue[];
}

/** A dataset as MLflow records it against a run. @public */
export interface MlflowDataset {
  name: string;
  digest: string;
  /** For example `local`, `http`, `s3`, `hugging_face`, `code`. */
  source_type: string;
  /** JSON text describing where the dataset comes from, in the form `source_type` defines. */
  source: string;
  /** JSON text, usually an MLflow schema. */
  schema?: string;
  /** JSON text with summary statistics. */
  profile?: string;
}

/** @public */
export interface MlflowDatasetInput {
  /** `mlflow.data.context` (e.g. `training`, `evaluation`) is the conventional tag. */
  tags?: MlflowKeyValue[];
  dataset: MlflowDataset;
}

/** A logged model (MLflow 3) used as an input of a run. @public */
export interface MlflowModelInput {
  model_id: string;
}

/** @public */
export interface MlflowRunInputs {
  dataset_inputs?: MlflowDatasetInput[];
  model_inputs?: MlflowModelInput[];
}

/** @public */
export interface MlflowRunOutputs {
  model_outputs?: Array<{ model_id: string; step: number }>;
}

/** @public */
export interface MlflowRun {
  info: MlflowRunInfo;
  data?: MlflowRunData;
  inputs?: MlflowRunInputs;
  outputs?: MlflowRunOutputs;
}

/** @public */
export type MlflowModelVersionStatus =
  | 'PENDING_REGISTRATION'
  | 'FAILED_REGISTRATION'
  | 'READY';

/** @public */
export interface MlflowModelVersion {
  name: string;
  /** A decimal number, sent as a string. */
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  /** Deprecated registry stage (`None`, `Staging`, `Production`, `Archived`); use aliases. */
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: MlflowModelVersionStatus;
  status_message?: string;
  tags?: MlflowKeyValue[];
  run_link?: string;
  /** Plain alias names pointing at this version. */
  aliases?: string[];
  model_id?: string;
}

/** @public */
export interface MlflowRegisteredModelAlias {
  alias: string;
  version: string;
}

/** @public */
export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  /** The latest version per (deprecated) stage. */
  latest_versions?: MlflowModelVersion[];
  tags?: MlflowKeyValue[];
  aliases?: MlflowRegisteredModelAlias[];
}

// ---- Requests ----------------------------------------------------------------------------------

/** @public */
export interface MlflowCreateExperimentRequest {
  name: string;
  artifact_location?: string;
  tags?: MlflowKeyValue[];
}

/** @public */
export interface MlflowSearchExperimentsRequest {
  /** For example `name LIKE 'team-%' and tags.owner = 'x'`. */
  filter?: string;
  /** For example `['name ASC', 'last_update_time DESC']`. */
  order_by?: string[];
  /** 1 to 50 000; the client sends 1000 when left out, since the server has no default. */
  max_results?: number;
  page_token?: string;
  view_type?: MlflowViewType;
}

/** @public */
export interface MlflowCreateRunRequest {
  experiment_id: string;
  user_id?: string;
  run_name?: string;
  /** Epoch milliseconds; the server uses its own clock when left out. */
  start_time?: number;
  tags?: MlflowKeyValue[];
}

/** @public */
export interface MlflowUpdateRunRequest {
  run_id: string;
  status?: MlflowRunStatus;
  end_time?: number;
  run_name?: string;
}

/** @public */
export interface MlflowSearchRunsRequest {
  experiment_ids: string[];
  /** For example `metrics.acc > 0.9 and params.lr = '0.1' and attributes.status = 'FINISHED'`. */
  filter?: string;
  run_view_type?: MlflowViewType;
  /** 1 to 50 000; the server's default is 1000. */
  max_results?: number;
  /** For example `['metrics.acc DESC', 'attributes.start_time ASC']`. */
  order_by?: string[];
  page_token?: string;
}

/**
 * A metric point to log. The value is a plain number; NaN and the infinities are sent in the
 * string form MLflow understands.
 *
 * @public
 */
export interface MlflowMetricInput {
  key: string;
  value: number;
  /** Epoch milliseconds. */
  timestamp: number;
  step?: number;
}

/** @public */
export interface MlflowLogBatchRequest {
  run_id: string;
  metrics?: MlflowMetricInput[];
  params?: MlflowKeyValue[];
  tags?: MlflowKeyValue[];
}

/** @public */
export interface MlflowLogInputsRequest {
  run_id: string;
  datasets?: MlflowDatasetInput[];
  models?: MlflowModelInput[];
}

/** @public */
export interface MlflowGetMetricHistoryRequest {
  run_id: string;
  metric_key: string;
  /** Page size; without it the server answers with the whole series in one response. */
  max_results?: number;
  page_token?: string;
}

/** @public */
export interface MlflowCreateRegisteredModelRequest {
  name: string;
  tags?: MlflowKeyValue[];
  description?: string;
}

/** Search request shared by registered models and model versions. @public */
export interface MlflowSearchRegistryRequest {
  /** Registered models: `name LIKE 'x%'`; model versions: `name = 'm' and run_id = '…'`. */
  filter?: string;
  /** Registered models: 1 to 1000, default 100. Model versions: default 10 000. */
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

/** @public */
export interface MlflowCreateModelVersionRequest {
  name: string;
  /** Where the model's files are, e.g. `runs:/<run_id>/model` or `models:/<model_id>`. */
  source: string;
  run_id?: string;
  tags?: MlflowKeyValue[];
  run_link?: string;
  description?: string;
  model_id?: string;
}

/** @public */
export interface MlflowUpdateModelVersionRequest {
  name: string;
  version: string;
  description?: string;
}

// ---- Responses ---------------------------------------------------------------------------------

/**
 * One page of a search. `nextPageToken` is absent on the last page; pass it back unchanged
 * (it is an opaque token, currently base64 JSON of an offset).
 *
 * @public
 */
export interface MlflowPage {
  nextPageToken?: string;
}

/** @public */
export interface MlflowExperimentsPage extends MlflowPage {
  experiments: MlflowExperiment[];
}

/** @public */
export interface MlflowRunsPage extends MlflowPage {
  runs: MlflowRun[];
}

/** @public */
export interface MlflowMetricHistoryPage extends MlflowPage {
  metrics: MlflowMetric[];
}

/** @public */
export interface MlflowRegisteredModelsPage extends MlflowPage {
  registeredModels: MlflowRegisteredModel[];
}

/** @public */
export interface MlflowModelVersionsPage extends MlflowPage {
  modelVersions: MlflowModelVersion[];
}
