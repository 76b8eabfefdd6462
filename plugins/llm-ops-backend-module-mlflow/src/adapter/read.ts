import type {
  MetricPointRecord,
  ModelVersionRecord,
  RegisteredModelRecord,
  TrackedExperiment,
  TrackedRun,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import type {
  MlflowExperiment,
  MlflowKeyValue,
  MlflowMetric,
  MlflowMetricValue,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
} from '../client';

/*
 * Mapping of MLflow's wire shapes into the llm-ops adapter records. Pure functions, so that the
 * adapters only decide which calls to make.
 */

/** The tag createExperiment, createRun and createModel stamp with the llm-ops id. */
export const LLM_OPS_ID_TAG = 'llm-ops.id';
/** Where MLflow (its UI and Python client) keeps an experiment's or a run's description. */
export const NOTE_TAG = 'mlflow.note.content';
/** MLflow reserves the `mlflow.` tag prefix for its own bookkeeping (run name, user, source…). */
const INTERNAL_TAG_PREFIX = 'mlflow.';

/** The tag list as a record, without MLflow's internal `mlflow.*` tags. */
export function userTags(
  tags: MlflowKeyValue[] | undefined,
): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { key, value } of tags ?? []) {
    if (!key.startsWith(INTERNAL_TAG_PREFIX)) record[key] = value;
  }
  return record;
}

export function tagValue(
  tags: MlflowKeyValue[] | undefined,
  key: string,
): string | undefined {
  return tags?.find(tag => tag.key === key)?.value;
}

export function toKeyValues(
  record: Record<string, string> | undefined,
): MlflowKeyValue[] {
  return Object.entries(record ?? {}).map(([key, value]) => ({ key, value }));
}

/** The base of the UI links, without a trailing slash. */
export function uiRoot(uiBaseUrl: string): string {
  return uiBaseUrl.replace(/\/+$/, '');
}

export function experimentUrl(uiBaseUrl: string, experimentId: string): string {
  return `${uiRoot(uiBaseUrl)}/#/experiments/${encodeURIComponent(
    experimentId,
  )}`;
}

export function runUrl(
  uiBaseUrl: string,
  experimentId: string,
  runId: string,
): string {
  return `${experimentUrl(uiBaseUrl, experimentId)}/runs/${encodeURIComponent(
    runId,
  )}`;
}

export function modelUrl(uiBaseUrl: string, name: string): string {
  return `${uiRoot(uiBaseUrl)}/#/models/${encodeURIComponent(name)}`;
}

export function modelVersionUrl(
  uiBaseUrl: string,
  name: string,
  version: string,
): string {
  return `${modelUrl(uiBaseUrl, name)}/versions/${encodeURIComponent(version)}`;
}

export function toTrackedExperiment(
  experiment: MlflowExperiment,
  uiBaseUrl: string,
): TrackedExperiment {
  const createdAt = experiment.creation_time ?? 0;
  const description = tagValue(experiment.tags, NOTE_TAG);
  return {
    externalId: experiment.experiment_id,
    name: experiment.name,
    ...(description ? { description } : {}),
    lifecycle: experiment.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    tags: userTags(experiment.tags),
    createdAt,
    updatedAt: experiment.last_update_time ?? createdAt,
    url: experimentUrl(uiBaseUrl, experiment.experiment_id),
  };
}

/** JSON has no NaN or infinities; MLflow sends them as strings. */
export function metricValue(value: MlflowMetricValue): number {
  if (typeof value === 'number') return value;
  return Number(value); // 'NaN', 'Infinity' and '-Infinity' all parse
}

export function toMetricPoint(metric: MlflowMetric): MetricPointRecord {
  return {
    key: metric.key,
    value: metricValue(metric.value),
    step: metric.step ?? 0,
    timestamp: metric.timestamp,
  };
}

/** MLflow sends 0 (or nothing) for a time it does not know. */
function optionalTime(time: number | undefined): number | null {
  return time ? time : null;
}

export function toTrackedRun(run: MlflowRun, uiBaseUrl: string): TrackedRun {
  const { info, data, inputs } = run;
  const runId = info.run_id ?? info.run_uuid;
  const params: Record<string, string> = {};
  for (const { key, value } of data?.params ?? []) params[key] = value;
  const metrics: TrackedRun['metrics'] = {};
  for (const metric of data?.metrics ?? []) {
    const { value, step, timestamp } = toMetricPoint(metric);
    metrics[metric.key] = { value, step, timestamp };
  }
  return {
    externalId: runId,
    experimentExternalId: info.experiment_id,
    name: info.run_name || tagValue(data?.tags, 'mlflow.runName') || '',
    status: info.status,
    startTime: optionalTime(info.start_time),
    endTime: optionalTime(info.end_time),
    lifecycle: info.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    params,
    tags: userTags(data?.tags),
    metrics,
    datasetInputs: (inputs?.dataset_inputs ?? []).map(({ dataset }) => ({
      name: dataset.name,
      digest: dataset.digest,
      ...(dataset.source ? { source: dataset.source } : {}),
    })),
    url: runUrl(uiBaseUrl, info.experiment_id, runId),
  };
}

export function toRegisteredModelRecord(
  model: MlflowRegisteredModel,
  uiBaseUrl: string,
): RegisteredModelRecord {
  const createdAt = model.creation_timestamp ?? 0;
  const aliases: Record<string, string> = {};
  for (const { alias, version } of model.aliases ?? []) {
    aliases[alias] = version;
  }
  return {
    externalId: model.name,
    name: model.name,
    ...(model.description ? { description: model.description } : {}),
    tags: userTags(model.tags),
    aliases,
    createdAt,
    updatedAt: model.last_updated_timestamp ?? createdAt,
    url: modelUrl(uiBaseUrl, model.name),
  };
}

/** The external id of a model version: MLflow keys versions by model name and number. */
export function modelVersionExternalId(name: string, version: string): string {
  return `${name}/${version}`;
}

/**
 * `aliases` overrides the version's own list: the version search endpoint leaves aliases out, so
 * listVersions takes them from the registered model.
 */
export function toModelVersionRecord(
  version: MlflowModelVersion,
  uiBaseUrl: string,
  aliases?: string[],
): ModelVersionRecord {
  const createdAt = version.creation_timestamp ?? 0;
  return {
    externalId: modelVersionExternalId(version.name, version.version),
    modelName: version.name,
    version: version.version,
    ...(version.description ? { description: version.description } : {}),
    ...(version.run_id ? { sourceRunExternalId: version.run_id } : {}),
    artifactUri: version.source ?? '',
    // MLflow's own registry registers synchronously, and omits fields that hold no value.
    status: version.status ?? 'READY',
    tags: userTags(version.tags),
    aliases: aliases ?? version.aliases ?? [],
    createdAt,
    updatedAt: version.last_updated_timestamp ?? createdAt,
    url: modelVersionUrl(uiBaseUrl, version.name, version.version),
  };
}
