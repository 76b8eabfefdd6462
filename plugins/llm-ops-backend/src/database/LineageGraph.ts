import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import { isUuid } from './conversions';

export type GraphNodeType =
  | 'experiment'
  | 'run'
  | 'model'
  | 'model-version'
  | 'dataset'
  | 'dataset-version'
  | 'endpoint'
  | 'pipeline'
  | 'pipeline-run';

export type GraphNode = {
  type: GraphNodeType;
  id: string;
  label: string;
  direction: 'root' | 'upstream' | 'downstream';
  distance: number;
};

/** An edge in the direction data flows: from the input to what was made of it. */
export type GraphEdge = { from: string; to: string; relation: string };

/** The graph of one resource: its id, the nodes reached and the edges between them. */
export type LineageGraphResult = {
  root: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
};

/** The answer for a missing root, and for one the caller may not read: they look alike. */
export function lineageRootNotFound(
  type: GraphNodeType,
  idOrName: string,
): NotFoundError {
  return new NotFoundError(`No ${type} with id '${idOrName}'`);
}

type Hop = { type: GraphNodeType; id: string; relation: string };

// Stored edges point from the actor (run, endpoint, pipeline run) to what it touched; data flows
// into the actor for `used` and `serves`, out of it for `produced` and `ran`.
const flowsIntoActor = new Set(['used', 'serves']);

const assetKinds = new Set<GraphNodeType>([
  'experiment',
  'model',
  'dataset',
  'endpoint',
  'pipeline',
]);

/**
 * The lineage graph of one resource: a breadth-first walk over lineage_edges, upstream and
 * downstream separately, a level per query. Assets are expanded to what they contain
 * (experiment -> runs, model -> versions, pipeline -> runs), so a catalog page of any kind can
 * show where its data came from and where it went.
 */
export class LineageGraph {
  constructor(private readonly db: Knex) {}

  async of(
    type: GraphNodeType,
    idOrName: string,
    depth: number,
  ): Promise<LineageGraphResult> {
    const rootId = await this.resolveRoot(type, idOrName);
    const nodes = new Map<string, GraphNode>();
    const edges = new Map<string, GraphEdge>();
    nodes.set(rootId, {
      type,
      id: rootId,
      label: '',
      direction: 'root',
      distance: 0,
    });

    // Contained resources (runs of an experiment, versions of a model) sit one level below the
    // root and are walked from, in both directions.
    const contained = await this.childrenOf(type, rootId);
    for (const child of contained) {
      nodes.set(child.id, {
        type: child.type,
        id: child.id,
        label: '',
        direction: 'downstream',
        distance: 1,
      });
      edges.set(`${rootId}>${child.id}`, {
        from: rootId,
        to: child.id,
        relation: 'contains',
      });
    }
    const seeds = [{ id: rootId, type }, ...contained];
    for (const direction of ['upstream', 'downstream'] as const) {
      let frontier = seeds.map(s => s.id);
      for (
        let distance = 1;
        distance <= depth && frontier.length > 0;
        distance++
      ) {
        const hops = await this.step(frontier, direction);
        const next: string[] = [];
        for (const [fromId, hop] of hops) {
          const [a, b] =
            direction === 'upstream' ? [hop.id, fromId] : [fromId, hop.id];
          edges.set(`${a}>${b}`, { from: a, to: b, relation: hop.relation });
          if (!nodes.has(hop.id)) {
            nodes.set(hop.id, {
              type: hop.type,
              id: hop.id,
              label: '',
              direction,
              distance,
            });
            next.push(hop.id);
          }
        }
        frontier = next;
      }
    }
    await this.label([...nodes.values()]);
    return {
      root: rootId,
      nodes: [...nodes.values()],
      edges: [...edges.values()],
    };
  }

  private async resolveRoot(
    type: GraphNodeType,
    idOrName: string,
  ): Promise<string> {
    let row: { id: string } | undefined;
    if (assetKinds.has(type)) {
      row = await this.db('assets')
        .where({ kind: type })
        .andWhere(q => {
          q.where('name', idOrName);
          if (isUuid(idOrName)) q.orWhere('id', idOrName);
        })
        .first('id');
    } else if (type === 'run') {
      row = await this.db('runs').where({ id: idOrName }).first('id');
    } else if (type === 'pipeline-run') {
      row = await this.db('pipeline_runs').where({ id: idOrName }).first('id');
    } else {
      row = await this.db('versions')
        .join('assets', 'assets.id', 'versions.asset_id')
        .where('versions.id', idOrName)
        .where('assets.kind', type === 'model-version' ? 'model' : 'dataset')
        .first('versions.id as id');
    }
    if (!row) throw lineageRootNotFound(type, idOrName);
    return row.id;
  }

  private async childrenOf(
    type: GraphNodeType,
    id: string,
  ): Promise<Array<{ type: GraphNodeType; id: string }>> {
    if (type === 'experiment') {
      const ids = await this.db('runs')
        .where({ experiment_id: id, lifecycle: 'active' })
        .pluck('id');
      return ids.map(i => ({ type: 'run' as const, id: i }));
    }
    if (type === 'model' || type === 'dataset') {
      const ids = await this.db('versions').where({ asset_id: id }).pluck('id');
      return ids.map(i => ({
        type: `${type}-version` as GraphNodeType,
        id: i,
      }));
    }
    if (type === 'pipeline') {
      const ids = await this.db('pipeline_runs')
        .where({ pipeline_id: id })
        .pluck('id');
      return ids.map(i => ({ type: 'pipeline-run' as const, id: i }));
    }
    return [];
  }

  /** One level of neighbours of the frontier in the given direction of data flow. */
  private async step(frontier: string[], direction: 'upstream' | 'downstream') {
    const rows = await this.db('lineage_edges')
      .whereIn('from_id', frontier)
      .orWhereIn('to_id', frontier)
      .select('from_type', 'from_id', 'relation', 'to_type', 'to_id');
    const inFrontier = new Set(frontier);
    const hops: Array<[string, Hop]> = [];
    for (const r of rows) {
      // Data source and sink of this edge.
      const [source, sink] = flowsIntoActor.has(r.relation)
        ? [
            { id: r.to_id, type: r.to_type },
            { id: r.from_id, type: r.from_type },
          ]
        : [
            { id: r.from_id, type: r.from_type },
            { id: r.to_id, type: r.to_type },
          ];
      if (direction === 'upstream' && inFrontier.has(sink.id)) {
        hops.push([
          sink.id,
          { id: source.id, type: source.type, relation: r.relation },
        ]);
      }
      if (direction === 'downstream' && inFrontier.has(source.id)) {
        hops.push([
          source.id,
          { id: sink.id, type: sink.type, relation: r.relation },
        ]);
      }
    }
    return hops;
  }

  /** Human labels: names of assets and runs, `model v3` and `dataset@label` for versions. */
  private async label(nodes: GraphNode[]) {
    const ids = (t: (n: GraphNode) => boolean) =>
      nodes.filter(t).map(n => n.id);
    const labels = new Map<string, string>();
    const assetIds = ids(n => assetKinds.has(n.type));
    const versionIds = ids(n => n.type.endsWith('-version'));
    const runIds = ids(n => n.type === 'run');
    const pipelineRunIds = ids(n => n.type === 'pipeline-run');
    const [assets, versions, runs, pipelineRuns] = await Promise.all([
      assetIds.length
        ? this.db('assets').whereIn('id', assetIds).select('id', 'name')
        : [],
      versionIds.length
        ? this.db('versions')
            .join('assets', 'assets.id', 'versions.asset_id')
            .whereIn('versions.id', versionIds)
            .select(
              'versions.id as id',
              'versions.version as version',
              'assets.name as name',
              'assets.kind as kind',
            )
        : [],
      runIds.length
        ? this.db('runs').whereIn('id', runIds).select('id', 'name')
        : [],
      pipelineRunIds.length
        ? this.db('pipeline_runs')
            .whereIn('id', pipelineRunIds)
            .select('id', 'name')
        : [],
    ]);
    for (const r of [...assets, ...runs, ...pipelineRuns] as Array<{
      id: string;
      name: string;
    }>) {
      labels.set(r.id, r.name);
    }
    for (const v of versions as Array<{
      id: string;
      version: string;
      name: string;
      kind: string;
    }>) {
      // Model versions are numbers (v3); dataset versions are labels or revisions (@2024-06).
      labels.set(
        v.id,
        v.kind === 'model'
          ? `${v.name} v${v.version}`
          : `${v.name}@${v.version}`,
      );
    }
    for (const node of nodes) node.label = labels.get(node.id) ?? node.id;
  }
}
