import type { LineageGraph, LineageNode } from '../../api/types';

export type PlacedNode = LineageNode & { column: number; row: number };

export type LineageLayout = {
  nodes: PlacedNode[];
  /** Leftmost column index (the farthest upstream distance, negated). */
  minColumn: number;
  columns: number;
  rows: number;
};

/** The column of a node: upstream to the left of the root, downstream to the right. */
export function columnOf(node: LineageNode): number {
  if (node.direction === 'upstream') return -node.distance;
  if (node.direction === 'downstream') return node.distance;
  return 0;
}

/**
 * Places the nodes of a lineage graph in columns by distance from the root (upstream left,
 * downstream right), ordering each column by the average row of its neighbours in the columns
 * already placed, which keeps most edges short and uncrossed.
 */
export function layoutLineage(graph: LineageGraph): LineageLayout {
  const byColumn = new Map<number, LineageNode[]>();
  for (const node of graph.nodes) {
    const column = columnOf(node);
    byColumn.set(column, [...(byColumn.get(column) ?? []), node]);
  }
  const neighbours = new Map<string, string[]>();
  for (const edge of graph.edges) {
    neighbours.set(edge.from, [...(neighbours.get(edge.from) ?? []), edge.to]);
    neighbours.set(edge.to, [...(neighbours.get(edge.to) ?? []), edge.from]);
  }
  const columnsSorted = [...byColumn.keys()].sort((a, b) => a - b);
  const rowOf = new Map<string, number>();
  const placed: PlacedNode[] = [];
  // Place the root column first, then walk outwards so each column can follow the one nearer
  // the root.
  const order = [
    0,
    ...columnsSorted.filter(c => c > 0),
    ...columnsSorted.filter(c => c < 0).reverse(),
  ].filter(c => byColumn.has(c));
  for (const column of order) {
    const nodes = [...byColumn.get(column)!];
    const score = (n: LineageNode) => {
      const rows = (neighbours.get(n.id) ?? [])
        .map(id => rowOf.get(id))
        .filter((r): r is number => r !== undefined);
      return rows.length
        ? rows.reduce((a, b) => a + b, 0) / rows.length
        : Number.MAX_SAFE_INTEGER;
    };
    nodes.sort(
      (a, b) =>
        score(a) - score(b) ||
        a.type.localeCompare(b.type) ||
        a.label.localeCompare(b.label),
    );
    nodes.forEach((node, row) => {
      rowOf.set(node.id, row);
      placed.push({ ...node, column, row });
    });
  }
  const minColumn = columnsSorted.length ? columnsSorted[0] : 0;
  const maxColumn = columnsSorted.length
    ? columnsSorted[columnsSorted.length - 1]
    : 0;
  return {
    nodes: placed,
    minColumn,
    columns: maxColumn - minColumn + 1,
    rows: Math.max(1, ...[...byColumn.values()].map(n => n.length)),
  };
}
