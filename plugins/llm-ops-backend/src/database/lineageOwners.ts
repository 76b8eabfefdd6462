import type { Knex } from 'knex';
import type { Asset } from './AssetStore';
import type { GraphNode, GraphNodeType } from './LineageGraph';

/** What permission rules look at of the asset that owns a lineage node. */
export type LineageNodeOwner = Pick<Asset, 'kind' | 'owner' | 'tags'>;

// Where each node type's owning asset is found: the table of the node and its column naming
// the asset (an asset owns itself; a version its model or dataset; a run its experiment; a
// pipeline run its pipeline).
const ownerColumns: Record<GraphNodeType, { table: string; column: string }> = {
  experiment: { table: 'assets', column: 'id' },
  model: { table: 'assets', column: 'id' },
  dataset: { table: 'assets', column: 'id' },
  endpoint: { table: 'assets', column: 'id' },
  pipeline: { table: 'assets', column: 'id' },
  'model-version': { table: 'versions', column: 'asset_id' },
  'dataset-version': { table: 'versions', column: 'asset_id' },
  run: { table: 'runs', column: 'experiment_id' },
  'pipeline-run': { table: 'pipeline_runs', column: 'pipeline_id' },
};

/**
 * The owning asset of each node, by node id, in one query: the nodes' tables name their
 * assets, joined with the assets and their tags. A node whose asset is gone (an edge left by a
 * tool) is missing from the map, so that no condition can be met on it.
 */
export async function loadLineageNodeOwners(
  db: Knex,
  nodes: Array<Pick<GraphNode, 'type' | 'id'>>,
): Promise<Map<string, LineageNodeOwner>> {
  const owners = new Map<string, LineageNodeOwner>();
  const idsByTable = new Map<string, { column: string; ids: string[] }>();
  for (const node of nodes) {
    const { table, column } = ownerColumns[node.type];
    const entry = idsByTable.get(table) ?? { column, ids: [] };
    entry.ids.push(node.id);
    idsByTable.set(table, entry);
  }
  const selects = [...idsByTable].map(([table, { column, ids }]) =>
    db(table).whereIn('id', ids).select({ node_id: 'id', asset_id: column }),
  );
  if (selects.length === 0) return owners;
  const [first, ...rest] = selects;
  const nodeAssets = (rest.length > 0 ? first.unionAll(rest) : first).as(
    'node_assets',
  );
  const rows: Array<{
    node_id: string;
    kind: Asset['kind'];
    owner: string | null;
    tag_key: string | null;
    tag_value: string | null;
  }> = await db
    .from(nodeAssets)
    .join('assets', 'assets.id', 'node_assets.asset_id')
    .leftJoin('tags', 'tags.resource_id', 'assets.id')
    .select(
      'node_assets.node_id as node_id',
      'assets.kind as kind',
      'assets.owner as owner',
      'tags.key as tag_key',
      'tags.value as tag_value',
    );
  for (const row of rows) {
    const owner = owners.get(row.node_id) ?? {
      kind: row.kind,
      owner: row.owner ?? null,
      tags: {},
    };
    if (row.tag_key !== null) owner.tags[row.tag_key] = row.tag_value ?? '';
    owners.set(row.node_id, owner);
  }
  return owners;
}
