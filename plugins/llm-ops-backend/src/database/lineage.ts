import type { Knex } from 'knex';

/** The resources lineage connects. */
export type LineageNodeType =
  | 'dataset-version'
  | 'run'
  | 'model-version'
  | 'endpoint'
  | 'pipeline-run'
  | 'experiment';

/**
 * used: a run or pipeline run read a dataset version; produced: a run or pipeline run made a
 * model or dataset version; serves: an endpoint serves a model version; ran: a pipeline run
 * executed a run.
 */
export type LineageRelation = 'used' | 'produced' | 'serves' | 'ran';

export type LineageEdge = {
  fromType: LineageNodeType;
  fromId: string;
  relation: LineageRelation;
  toType: LineageNodeType;
  toId: string;
};

/** Records edges once; recording the same edge again is harmless. */
export async function addLineageEdges(
  db: Knex,
  edges: LineageEdge[],
): Promise<void> {
  if (edges.length === 0) return;
  const now = Date.now();
  await db('lineage_edges')
    .insert(
      edges.map(e => ({
        from_type: e.fromType,
        from_id: e.fromId,
        relation: e.relation,
        to_type: e.toType,
        to_id: e.toId,
        created_at: now,
      })),
    )
    .onConflict(['from_id', 'relation', 'to_id'])
    .ignore();
}

/** Removes the edges of a relation leaving a node, e.g. when an endpoint stops serving a version. */
export async function removeLineageEdges(
  db: Knex,
  fromId: string,
  relation: LineageRelation,
  toIds?: string[],
): Promise<void> {
  const q = db('lineage_edges').where({ from_id: fromId, relation });
  if (toIds) q.whereIn('to_id', toIds);
  await q.delete();
}
