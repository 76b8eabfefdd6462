import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError, NotFoundError } from '@backstage/errors';
import { LlmOpsApiClient } from './LlmOpsApiClient';
import type { AssetLinks } from './read';
import type {
  AnyAsset,
  ApiDataset,
  ApiDatasetVersion,
  ApiEndpoint,
  ApiExperiment,
  ApiLineageGraph,
  ApiModel,
  ApiModelVersion,
  ApiPipeline,
  ApiPipelineRunEdge,
  ApiRun,
  AssetKind,
} from './types';

export const ASSET_KINDS: AssetKind[] = [
  'dataset',
  'model',
  'experiment',
  'endpoint',
  'pipeline',
];

/** An edge leaving one of a pipeline's runs: what the run ran, used or produced. */
type PipelineEdge = Pick<ApiPipelineRunEdge, 'relation' | 'toId'>;

/** How many per-asset requests run at once. */
const CONCURRENCY = 12;

/** Runs fn over items, at most `limit` at a time. */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    },
  );
  await Promise.all(workers);
}

/**
 * What the provider knows about the llm-ops store: every asset, and the lineage between them
 * reduced to asset level (which datasets an experiment trained on, which experiments produced a
 * model, ...). A full load reads everything with a bounded number of requests: the asset lists,
 * the store-wide model and dataset version lists, one run search per 100 experiments and the
 * store-wide list of pipeline run edges. A delta refreshes one asset with one or two requests.
 */
export class AssetIndex {
  readonly assets = new Map<string, AnyAsset>();
  private readonly modelVersions = new Map<string, ApiModelVersion[]>();
  private readonly datasetVersions = new Map<string, ApiDatasetVersion[]>();
  /** Version id to the model or dataset it belongs to. */
  private readonly versionAsset = new Map<string, string>();
  /** Run id to its experiment; a run never moves, so this is also kept across deltas. */
  private readonly runExperiment = new Map<string, string>();
  /** Experiment id to the dataset versions its runs used. */
  private readonly experimentInputs = new Map<string, Set<string>>();
  /** Pipeline id to the edges leaving its runs. */
  private readonly pipelineEdges = new Map<string, PipelineEdge[]>();
  /** Runs the API no longer knows (hard-deleted with their experiment's data). */
  private readonly missingRuns = new Set<string>();

  private constructor(
    private readonly client: LlmOpsApiClient,
    private readonly logger: LoggerService,
  ) {}

  static empty(client: LlmOpsApiClient, logger: LoggerService) {
    return new AssetIndex(client, logger);
  }

  /** Reads the whole store. */
  static async load(client: LlmOpsApiClient, logger: LoggerService) {
    const index = new AssetIndex(client, logger);
    const [experiments, models, datasets, endpoints, pipelines] =
      await Promise.all([
        client.listAll<ApiExperiment>('experiment'),
        client.listAll<ApiModel>('model'),
        client.listAll<ApiDataset>('dataset'),
        client.listAll<ApiEndpoint>('endpoint'),
        client.listAll<ApiPipeline>('pipeline'),
      ]);
    for (const asset of experiments) index.put({ kind: 'experiment', asset });
    for (const asset of models) index.put({ kind: 'model', asset });
    for (const asset of datasets) index.put({ kind: 'dataset', asset });
    for (const asset of endpoints) index.put({ kind: 'endpoint', asset });
    for (const asset of pipelines) index.put({ kind: 'pipeline', asset });

    // One pool for every request; what they return is only joined up when entities are built
    // (linksOf), so the order does not matter. Run searches are the heaviest requests and go
    // first.
    const tasks: Array<() => Promise<void>> = [
      ...LlmOpsApiClient.runSearchChunks(experiments.map(e => e.id)).map(
        chunk => () => client.runsOf(chunk, runs => index.putRuns(runs)),
      ),
      () =>
        index.loadAllVersions(
          'model',
          models.map(m => m.id),
        ),
      () =>
        index.loadAllVersions(
          'dataset',
          datasets.map(d => d.id),
        ),
      () => index.loadAllPipelineEdges(pipelines.map(p => p.id)),
    ];
    await forEachLimit(tasks, CONCURRENCY, task => task());
    return index;
  }

  put(item: AnyAsset) {
    this.assets.set(item.asset.id, item);
  }

  delete(id: string) {
    this.assets.delete(id);
  }

  /** Refreshes what hangs off one asset after it changed (delta). */
  async refresh(item: AnyAsset): Promise<void> {
    this.put(item);
    const id = item.asset.id;
    if (item.kind === 'model' || item.kind === 'dataset') {
      await this.loadVersions(item.kind, id);
    } else if (item.kind === 'experiment') {
      this.experimentInputs.delete(id);
      await this.client.runsOf([id], runs => this.putRuns(runs));
    } else if (item.kind === 'pipeline') {
      await this.loadPipeline(id);
    }
  }

  /** The asset-level lineage and version data of one asset. */
  async linksOf(item: AnyAsset): Promise<AssetLinks> {
    const id = item.asset.id;
    switch (item.kind) {
      case 'experiment':
        return {
          trainedOn: this.assetsOfVersions(
            [...(this.experimentInputs.get(id) ?? [])],
            'dataset',
          ),
        };
      case 'model': {
        const versions = this.modelVersions.get(id);
        const producedBy = new Set<string>();
        for (const v of versions ?? []) {
          if (!v.sourceRunId) continue;
          const experimentId = await this.experimentOfRun(v.sourceRunId);
          if (experimentId) producedBy.add(experimentId);
        }
        return { versions, producedBy: [...producedBy] };
      }
      case 'dataset':
        return { latestVersion: this.datasetVersions.get(id)?.[0] };
      case 'endpoint': {
        const endpoint = item.asset;
        const modelIdOf = (e: { modelVersionId: string; modelName: string }) =>
          this.assetOfVersion(e.modelVersionId, 'model') ??
          this.byName('model', e.modelName);
        const traffic = (endpoint.desired?.traffic ?? []).flatMap(entry => {
          const modelId = modelIdOf(entry);
          return modelId
            ? [
                {
                  modelId,
                  version: entry.version,
                  percent: entry.percent,
                  role: entry.role,
                },
              ]
            : [];
        });
        const serves = new Set<string>(traffic.map(t => t.modelId));
        for (const entry of endpoint.observed?.traffic ?? []) {
          const modelId = modelIdOf(entry);
          if (modelId) serves.add(modelId);
        }
        return { traffic, serves: [...serves] };
      }
      case 'pipeline':
        return this.pipelineLinks(id);
      default:
        return {};
    }
  }

  /**
   * The versions of every model and dataset, from the store-wide version lists: they come
   * grouped by asset and newest first within each, the order of the per-asset lists. An asset
   * with no version gets an empty list, as a per-asset read would give it.
   */
  private async loadAllVersions(kind: 'model' | 'dataset', assetIds: string[]) {
    const put = <V extends { id: string }>(
      byAsset: Map<string, V[]>,
      versions: V[],
      assetOf: (v: V) => string,
    ) => {
      for (const v of versions) {
        const assetId = assetOf(v);
        this.versionAsset.set(v.id, assetId);
        const list = byAsset.get(assetId);
        if (list) list.push(v);
        else byAsset.set(assetId, [v]);
      }
    };
    if (kind === 'model') {
      await this.client.listAllVersions<ApiModelVersion>('model', page =>
        put(this.modelVersions, page, v => v.modelId),
      );
    } else {
      await this.client.listAllVersions<ApiDatasetVersion>('dataset', page =>
        put(this.datasetVersions, page, v => v.datasetId),
      );
    }
    const byAsset =
      kind === 'model' ? this.modelVersions : this.datasetVersions;
    for (const id of assetIds) if (!byAsset.has(id)) byAsset.set(id, []);
  }

  private async loadVersions(kind: 'model' | 'dataset', id: string) {
    let versions: Array<ApiModelVersion | ApiDatasetVersion>;
    try {
      versions = await this.client.listVersions(kind, id);
    } catch (error) {
      // Deleted between the list and now: the next full sync drops it.
      if (isError(error) && error.name === NotFoundError.name) return;
      throw error;
    }
    for (const v of versions) this.versionAsset.set(v.id, id);
    if (kind === 'model') {
      this.modelVersions.set(id, versions as ApiModelVersion[]);
    } else {
      this.datasetVersions.set(id, versions as ApiDatasetVersion[]);
    }
  }

  private putRuns(runs: ApiRun[]) {
    for (const run of runs) {
      this.runExperiment.set(run.id, run.experimentId);
      let inputs = this.experimentInputs.get(run.experimentId);
      if (!inputs) {
        inputs = new Set();
        this.experimentInputs.set(run.experimentId, inputs);
      }
      for (const v of run.datasetVersionIds ?? []) inputs.add(v);
    }
  }

  /**
   * The edges leaving the runs of every pipeline, from the store-wide list: a few requests
   * instead of one lineage graph per pipeline. Each `ran` edge names its run's experiment, so
   * no run needs reading on its own later. A pipeline with no edge gets an empty list, as its
   * own lineage graph would give it.
   */
  private async loadAllPipelineEdges(pipelineIds: string[]) {
    await this.client.pipelineRunEdges(edges => {
      for (const edge of edges) {
        if (edge.relation === 'ran') {
          if (edge.experimentId) {
            this.runExperiment.set(edge.toId, edge.experimentId);
          } else {
            this.missingRuns.add(edge.toId);
          }
        }
        const list = this.pipelineEdges.get(edge.pipelineId);
        const item = { relation: edge.relation, toId: edge.toId };
        if (list) list.push(item);
        else this.pipelineEdges.set(edge.pipelineId, [item]);
      }
    });
    for (const id of pipelineIds) {
      if (!this.pipelineEdges.has(id)) this.pipelineEdges.set(id, []);
    }
  }

  /** The edges leaving one pipeline's runs, from its own lineage graph (deltas). */
  private async loadPipeline(id: string) {
    let graph: ApiLineageGraph;
    try {
      graph = await this.client.lineage('pipeline', id, 1);
    } catch (error) {
      if (isError(error) && error.name === NotFoundError.name) return;
      throw error;
    }
    this.pipelineEdges.set(id, pipelineEdgesOf(graph));
  }

  /**
   * A pipeline's lineage at asset level: dataset (or model) versions its runs used, versions
   * they produced and experiment runs they ran.
   */
  private async pipelineLinks(id: string): Promise<AssetLinks> {
    const edges = this.pipelineEdges.get(id);
    if (!edges) return {};
    const consumes = new Map<string, AssetKind>();
    const produces = new Map<string, AssetKind>();
    for (const edge of edges) {
      if (edge.relation === 'ran') {
        const experimentId = await this.experimentOfRun(edge.toId);
        if (experimentId) produces.set(experimentId, 'experiment');
        continue;
      }
      // A version used or produced: its model or dataset, when that is in the catalog.
      const assetId = this.versionAsset.get(edge.toId);
      const item = assetId ? this.assets.get(assetId) : undefined;
      if (item) {
        (edge.relation === 'used' ? consumes : produces).set(
          item.asset.id,
          item.kind,
        );
      }
    }
    const list = (m: Map<string, AssetKind>) =>
      [...m].map(([assetId, kind]) => ({ kind, id: assetId }));
    return { consumes: list(consumes), produces: list(produces) };
  }

  /** The experiment of a run, asking the API (once) for runs the index has not seen. */
  private async experimentOfRun(runId: string): Promise<string | undefined> {
    let experimentId = this.runExperiment.get(runId);
    if (!experimentId && this.missingRuns.has(runId)) return undefined;
    if (!experimentId) {
      try {
        const run = await this.client.getRun(runId);
        this.runExperiment.set(run.id, run.experimentId);
        experimentId = run.experimentId;
      } catch (error) {
        if (isError(error) && error.name === NotFoundError.name) {
          this.missingRuns.add(runId);
          return undefined;
        }
        this.logger.warn(`Could not read llm-ops run ${runId}, ${error}`);
        return undefined;
      }
    }
    // Only active experiments are in the catalog.
    return this.assets.has(experimentId) ? experimentId : undefined;
  }

  private assetOfVersion(versionId: string, kind: AssetKind) {
    const assetId = this.versionAsset.get(versionId);
    return assetId && this.assets.get(assetId)?.kind === kind
      ? assetId
      : undefined;
  }

  private assetsOfVersions(versionIds: string[], kind: AssetKind): string[] {
    const ids = new Set<string>();
    for (const v of versionIds) {
      const assetId = this.assetOfVersion(v, kind);
      if (assetId) ids.add(assetId);
    }
    return [...ids];
  }

  private byName(kind: AssetKind, name: string): string | undefined {
    for (const item of this.assets.values()) {
      if (item.kind === kind && item.asset.name === name) return item.asset.id;
    }
    return undefined;
  }
}

/**
 * The edges leaving the pipeline runs of a pipeline's lineage graph. The graph draws edges the
 * way data flows: a version a run used points at the run, what the run ran or produced away
 * from it.
 */
export function pipelineEdgesOf(graph: ApiLineageGraph): PipelineEdge[] {
  const types = new Map(graph.nodes.map(n => [n.id, n.type]));
  const edges: PipelineEdge[] = [];
  for (const edge of graph.edges) {
    if (edge.relation === 'used' && types.get(edge.to) === 'pipeline-run') {
      edges.push({ relation: 'used', toId: edge.from });
    } else if (
      (edge.relation === 'produced' || edge.relation === 'ran') &&
      types.get(edge.from) === 'pipeline-run'
    ) {
      edges.push({ relation: edge.relation, toId: edge.to });
    }
  }
  return edges;
}
