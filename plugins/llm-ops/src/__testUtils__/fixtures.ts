/* Test data and a fake of the LlmOpsApi for the component tests. */
import type { LlmOpsApi } from '../api/LlmOpsApi';
import type {
  AssetBase,
  Dataset,
  DatasetVersion,
  Endpoint,
  Experiment,
  Freshness,
  IntegrationStatus,
  Model,
  ModelVersion,
  Page,
  Pipeline,
  PipelineRun,
  Run,
} from '../api/types';

const at = '2026-11-20T10:00:00.000Z';

export const fresh: Freshness = { stale: false, degradedIntegrations: [] };

export function page<T>(items: T[], nextCursor: string | null = null): Page<T> {
  return { items, nextCursor, freshness: fresh };
}

function asset(name: string, extra: Partial<AssetBase> = {}): AssetBase {
  return {
    id: `id-${name}`,
    name,
    description: null,
    owner: 'group:default/ml',
    tags: {},
    lifecycle: 'active',
    createdAt: at,
    updatedAt: at,
    source: { integration: 'builtin' },
    syncedAt: at,
    ...extra,
  };
}

export const makeExperiment = (
  name: string,
  extra: Partial<Experiment> = {},
): Experiment => ({ ...asset(name), ...extra });

export function makeRun(name: string, extra: Partial<Run> = {}): Run {
  return {
    id: `run-${name}`,
    experimentId: 'id-exp',
    name,
    status: 'FINISHED',
    startTime: at,
    endTime: '2026-11-20T10:05:00.000Z',
    params: {},
    tags: {},
    metrics: {},
    datasetVersionIds: [],
    lifecycle: 'active',
    createdAt: at,
    updatedAt: at,
    source: { integration: 'builtin' },
    syncedAt: at,
    ...extra,
  };
}

export const metric = (value: number, step = 10) => ({
  value,
  step,
  timestamp: Date.parse(at),
});

export const makeModel = (name: string, extra: Partial<Model> = {}): Model => ({
  ...asset(name),
  aliases: {},
  latestVersion: null,
  ...extra,
});

export function makeModelVersion(
  model: string,
  version: string,
  extra: Partial<ModelVersion> = {},
): ModelVersion {
  return {
    id: `mv-${model}-${version}`,
    modelId: `id-${model}`,
    modelName: model,
    version,
    description: null,
    sourceRunId: null,
    artifactUri: `s3://models/${model}/${version}`,
    status: 'READY',
    aliases: [],
    tags: {},
    createdAt: at,
    updatedAt: at,
    source: { integration: 'builtin' },
    syncedAt: at,
    ...extra,
  };
}

export const makeDataset = (
  name: string,
  extra: Partial<Dataset> = {},
): Dataset => ({ ...asset(name), latestVersion: null, ...extra });

export function makeDatasetVersion(
  dataset: string,
  version: string,
  extra: Partial<DatasetVersion> = {},
): DatasetVersion {
  return {
    id: `dv-${dataset}-${version}`,
    datasetId: `id-${dataset}`,
    datasetName: dataset,
    version,
    description: null,
    uri: `s3://data/${dataset}/${version}`,
    digest: 'md5:abc',
    sizeBytes: 1_500_000,
    fileCount: 3,
    format: 'parquet',
    schema: { text: 'string', label: 'int64' },
    sourceRepository: null,
    tags: {},
    createdAt: at,
    updatedAt: at,
    source: { integration: 'builtin' },
    syncedAt: at,
    ...extra,
  };
}

export function makeEndpoint(
  name: string,
  extra: Partial<Endpoint> = {},
): Endpoint {
  return {
    ...asset(name),
    runtime: 'builtin',
    cluster: null,
    namespace: null,
    url: `http://serving/${name}`,
    desired: { traffic: [], minReplicas: 1, maxReplicas: 1 },
    observed: {
      state: 'Ready',
      conditions: [],
      traffic: [],
      latestReadyRevision: null,
      latestRolledOutRevision: null,
      observedAt: at,
    },
    ...extra,
  };
}

export function makePipeline(
  name: string,
  extra: Partial<Pipeline> = {},
): Pipeline {
  return {
    ...asset(name),
    runtime: 'builtin',
    templateRef: null,
    cluster: null,
    namespace: null,
    parameters: {},
    ...extra,
  };
}

export function makePipelineRun(
  name: string,
  extra: Partial<PipelineRun> = {},
): PipelineRun {
  return {
    id: `pr-${name}`,
    pipelineId: 'id-pipe',
    pipelineName: 'pipe',
    name,
    parameters: {},
    phase: 'Succeeded',
    progress: '2/2',
    nodes: [],
    startedAt: at,
    finishedAt: '2026-11-20T10:03:00.000Z',
    createdAt: at,
    updatedAt: at,
    cluster: null,
    namespace: null,
    source: { integration: 'builtin' },
    syncedAt: at,
    ...extra,
  };
}

export function makeIntegration(
  id: string,
  extra: Partial<IntegrationStatus> = {},
): IntegrationStatus {
  return {
    id,
    type: id,
    categories: ['experiment-tracking'],
    enabled: true,
    state: 'up',
    lastError: null,
    lastSuccessfulSyncAt: at,
    since: at,
    outboxDepth: 0,
    ...extra,
  };
}

/** A fake whose every method fails unless the test gives it; lists default to empty. */
export function fakeApi(overrides: Partial<LlmOpsApi> = {}): LlmOpsApi {
  const missing = (name: string) => async () => {
    throw new Error(`${name} is not faked in this test`);
  };
  const empty = async () => page([]);
  return {
    getHealth: missing('getHealth'),
    listIntegrations: async () => ({ items: [] }),
    listExperiments: empty,
    getExperiment: missing('getExperiment'),
    searchRuns: empty,
    getRun: missing('getRun'),
    getMetricHistory: missing('getMetricHistory'),
    listModels: empty,
    getModel: missing('getModel'),
    listModelVersions: empty,
    listDatasets: empty,
    getDataset: missing('getDataset'),
    listDatasetVersions: empty,
    listEndpoints: empty,
    getEndpoint: missing('getEndpoint'),
    promoteEndpoint: missing('promoteEndpoint'),
    rollbackEndpoint: missing('rollbackEndpoint'),
    listPipelines: empty,
    getPipeline: missing('getPipeline'),
    listPipelineRuns: empty,
    getPipelineRun: missing('getPipelineRun'),
    getLineage: async (_type, id) => ({ root: id, nodes: [], edges: [] }),
    ...overrides,
  };
}

/** A promise that never settles, for loading states. */
export const pending = <T>() => new Promise<T>(() => {});
