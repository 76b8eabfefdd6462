import type { Knex } from 'knex';
import {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  pageOf,
  type KeysetColumn,
} from '../query';
import { DEFAULT_PAGE_SIZE, type AssetListFilter } from './AssetStore';

/** What a pipeline run does to what an edge leaving it points at. */
export type PipelineRunRelation = 'ran' | 'used' | 'produced';

/** What an edge leaving a pipeline run points at. */
export type PipelineRunEdgeTargetType =
  | 'run'
  | 'dataset-version'
  | 'model-version';

const relations: PipelineRunRelation[] = ['ran', 'used', 'produced'];
export const pipelineRunEdgeTargetTypes: PipelineRunEdgeTargetType[] = [
  'run',
  'dataset-version',
  'model-version',
];

/** A lineage edge leaving a pipeline run, with the run's pipeline. */
export type PipelineLineageEdge = {
  pipelineId: string;
  pipelineRunId: string;
  relation: PipelineRunRelation;
  toType: PipelineRunEdgeTargetType;
  toId: string;
  /** For `ran`, the experiment of the run; null for other relations or a run gone from the store. */
  experimentId: string | null;
};

export type PipelineRunEdgePageOptions = {
  pageSize?: number;
  cursor?: string;
  /** Narrows the pipelines (joined as `assets`), e.g. to those a policy lets the caller read. */
  pipelineFilter?: AssetListFilter;
  /** Target types left out, e.g. those the caller may not read at all. */
  excludeTargetTypes?: PipelineRunEdgeTargetType[];
};

// The order of lineage_edges_from_type_idx (from_type, from_id, relation, to_id) after its
// equality on from_type, so a page is an index range scan from the cursor on. The edges of one
// pipeline run come together; the primary key (from_id, relation, to_id) makes the order total.
const columns: KeysetColumn[] = [
  { expr: 'lineage_edges.from_id', direction: 'asc', nullable: false },
  { expr: 'lineage_edges.relation', direction: 'asc', nullable: false },
  { expr: 'lineage_edges.to_id', direction: 'asc', nullable: false },
];
const scope = 'pipeline-run-edges:pipelineRunId,relation,toId';

type Row = {
  pipeline_id: string;
  pipeline_run_id: string;
  relation: PipelineRunRelation;
  to_type: PipelineRunEdgeTargetType;
  to_id: string;
  experiment_id: string | null;
};

/**
 * The lineage edges leaving the runs of every active pipeline, a keyset page at a time, in one
 * statement per page: the edge, its run's pipeline and, for `ran`, the experiment of the run.
 * What a consumer mirroring the whole store needs instead of one lineage graph per pipeline.
 */
export class PipelineRunEdgeFeed {
  constructor(private readonly db: Knex) {}

  async page(
    options: PipelineRunEdgePageOptions,
  ): Promise<{ items: PipelineLineageEdge[]; nextCursor: string | null }> {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const after = options.cursor
      ? decodeCursor(options.cursor, scope)
      : undefined;
    const excluded = new Set(options.excludeTargetTypes ?? []);
    const query = this.db('lineage_edges')
      .join('pipeline_runs', 'pipeline_runs.id', 'lineage_edges.from_id')
      .join('assets', 'assets.id', 'pipeline_runs.pipeline_id')
      .leftJoin('runs', join =>
        join
          .on('runs.id', '=', 'lineage_edges.to_id')
          .andOnVal('lineage_edges.to_type', '=', 'run'),
      )
      .where('lineage_edges.from_type', 'pipeline-run')
      .whereIn('lineage_edges.relation', relations)
      .whereIn(
        'lineage_edges.to_type',
        pipelineRunEdgeTargetTypes.filter(t => !excluded.has(t)),
      )
      .andWhere('assets.kind', 'pipeline')
      .andWhere('assets.lifecycle', 'active')
      .select(
        'pipeline_runs.pipeline_id as pipeline_id',
        'lineage_edges.from_id as pipeline_run_id',
        'lineage_edges.relation as relation',
        'lineage_edges.to_type as to_type',
        'lineage_edges.to_id as to_id',
        'runs.experiment_id as experiment_id',
      );
    options.pipelineFilter?.(query);
    applyKeyset(query, columns, after);
    applyKeysetOrder(query, columns);
    const page = pageOf<Row>(
      await query.limit(pageSize + 1),
      pageSize,
      row => [row.pipeline_run_id, row.relation, row.to_id],
      scope,
    );
    return {
      items: page.items.map(row => ({
        pipelineId: row.pipeline_id,
        pipelineRunId: row.pipeline_run_id,
        relation: row.relation,
        toType: row.to_type,
        toId: row.to_id,
        experimentId: row.experiment_id ?? null,
      })),
      nextCursor: page.nextCursor ?? null,
    };
  }
}
