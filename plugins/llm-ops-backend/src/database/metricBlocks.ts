import type { Knex } from 'knex';
import { rowsPerInsert } from './rowsPerInsert';

/**
 * Each metric series' lowest and highest point per block of METRIC_BLOCK_STEPS steps, kept in
 * `metric_blocks` as the points arrive (migration 20261126040000). A downsampled history reads
 * these instead of every point: a quarter of the rows for a series logged at every step
 * (docs/architecture.md, "Metric history").
 *
 * The table's content depends on this number: the migration that fills it uses the same one,
 * and changing it means a migration that rebuilds the table.
 */
export const METRIC_BLOCK_STEPS = 4;

/** The block a step belongs to, rounding down for negative steps as the SQL `>> 2` does. */
export function blockOf(step: number): number {
  return Math.floor(step / METRIC_BLOCK_STEPS);
}

export type MetricPointRow = {
  key: string;
  step: number;
  timestamp: number;
  value: number;
};

export type MetricBlockRow = {
  run_id: string;
  key: string;
  block: number;
  lo_value: number;
  lo_step: number;
  lo_timestamp: number;
  hi_value: number;
  hi_step: number;
  hi_timestamp: number;
};

/** PostgreSQL's order of float8: NaN is equal to itself and above every number. */
export function compareFloat8(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const earlier = (a: MetricPointRow, b: MetricPointRow) =>
  a.step - b.step || a.timestamp - b.timestamp;

/** The lowest point: lowest value, then earliest step, then timestamp. */
const lower = (a: MetricPointRow, b: MetricPointRow) =>
  (compareFloat8(a.value, b.value) || earlier(a, b)) < 0;

/** The highest point: highest value, then earliest step, then timestamp. */
const higher = (a: MetricPointRow, b: MetricPointRow) =>
  (compareFloat8(b.value, a.value) || earlier(a, b)) < 0;

/** One row per (key, block) of a batch, with the batch's lowest and highest point in it. */
export function summarizeBlocks(
  runId: string,
  points: MetricPointRow[],
): MetricBlockRow[] {
  const blocks = new Map<string, { lo: MetricPointRow; hi: MetricPointRow }>();
  for (const p of points) {
    const id = `${p.key}\u0000${blockOf(p.step)}`;
    const seen = blocks.get(id);
    if (!seen) blocks.set(id, { lo: p, hi: p });
    else {
      if (lower(p, seen.lo)) seen.lo = p;
      if (higher(p, seen.hi)) seen.hi = p;
    }
  }
  return [...blocks.values()].map(({ lo, hi }) => ({
    run_id: runId,
    key: lo.key,
    block: blockOf(lo.step),
    lo_value: lo.value,
    lo_step: lo.step,
    lo_timestamp: lo.timestamp,
    hi_value: hi.value,
    hi_step: hi.step,
    hi_timestamp: hi.timestamp,
  }));
}

// On conflict a stored block keeps its lowest / highest point unless the batch's beats it, in
// the order above. Row comparisons use each column's own order: NaN above every number on
// PostgreSQL (SQLite stores no NaN). SET expressions all see the stored row as it was.
const newLower = `(excluded.lo_value, excluded.lo_step, excluded.lo_timestamp)
  < (metric_blocks.lo_value, metric_blocks.lo_step, metric_blocks.lo_timestamp)`;
const newHigher = `(excluded.hi_value > metric_blocks.hi_value
  or (excluded.hi_value = metric_blocks.hi_value
      and (excluded.hi_step, excluded.hi_timestamp)
        < (metric_blocks.hi_step, metric_blocks.hi_timestamp)))`;

function keepBest(tx: Knex, condition: string, column: string) {
  return tx.raw(
    `case when ${condition} then excluded.${column} else metric_blocks.${column} end`,
  );
}

/** Merges a batch's points into their blocks; in the batch's transaction. */
export async function writeMetricBlocks(
  tx: Knex,
  runId: string,
  points: MetricPointRow[],
): Promise<void> {
  const rows = summarizeBlocks(runId, points);
  const chunk = rowsPerInsert(tx);
  for (let i = 0; i < rows.length; i += chunk) {
    await tx('metric_blocks')
      .insert(rows.slice(i, i + chunk))
      .onConflict(['run_id', 'key', 'block'])
      .merge({
        lo_value: keepBest(tx, newLower, 'lo_value'),
        lo_step: keepBest(tx, newLower, 'lo_step'),
        lo_timestamp: keepBest(tx, newLower, 'lo_timestamp'),
        hi_value: keepBest(tx, newHigher, 'hi_value'),
        hi_step: keepBest(tx, newHigher, 'hi_step'),
        hi_timestamp: keepBest(tx, newHigher, 'hi_timestamp'),
      });
  }
}
