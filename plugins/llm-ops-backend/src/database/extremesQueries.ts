import type { Knex } from 'knex';
import { pointsTextAggregate } from './renderedPoints';

/**
 * The two queries behind a downsampled metric history (MetricHistory.downsampled): per bucket
 * the lowest and the highest point, plus the first and last point of the series, in
 * (step, timestamp, value) order. Lowest: lowest value, then earliest step, then timestamp;
 * highest: highest value, then earliest step, then timestamp.
 *
 * The candidates come from the series' points, or from its blocks (metricBlocks.ts), which
 * hold each block's lowest and highest point already: a bucket of whole blocks has the same
 * extremes as its points. The first and last point always come from the points' primary key.
 * Column names are constants here, never input.
 */
export type ExtremesSource = {
  table: 'metric_points' | 'metric_blocks';
  /** What buckets are made of: steps, or blocks of steps. */
  unit: 'step' | 'block';
  lowest: { value: string; step: string; timestamp: string };
  highest: { value: string; step: string; timestamp: string };
};

const pointColumns = { value: 'value', step: 'step', timestamp: 'timestamp' };

export const fromPoints: ExtremesSource = {
  table: 'metric_points',
  unit: 'step',
  lowest: pointColumns,
  highest: pointColumns,
};

export const fromBlocks: ExtremesSource = {
  table: 'metric_blocks',
  unit: 'block',
  lowest: { value: 'lo_value', step: 'lo_step', timestamp: 'lo_timestamp' },
  highest: { value: 'hi_value', step: 'hi_step', timestamp: 'hi_timestamp' },
};

/** Buckets of `width` units (steps or blocks) counted from unit `lo`. */
export type Bucketing = {
  runId: string;
  key: string;
  source: ExtremesSource;
  lo: number;
  width: number;
};

// The casts keep the bucket division integral: SQLite binds JS numbers as REAL.
const bucketOf = (s: ExtremesSource) =>
  `(${s.unit} - cast(? as bigint)) / cast(? as bigint)`;

const seriesEnds = `
  union select * from (select step, timestamp, value from metric_points
                       where run_id = ? and key = ?
                       order by step, timestamp, value limit 1) as first_point
  union select * from (select step, timestamp, value from metric_points
                       where run_id = ? and key = ?
                       order by step desc, timestamp desc, value desc limit 1) as last_point
  order by step, timestamp, value`;

function groupedExtremesSql(b: Bucketing): string {
  const { lowest: l, highest: h } = b.source;
  const lowest = `array[${l.value}, ${l.step}::float8, ${l.timestamp}::float8]`;
  const highest = `array[${h.value}, -${h.step}::float8, -${h.timestamp}::float8]`;
  return `with buckets as (
       select min(${lowest}) as lo, max(${highest}) as hi
       from ${b.source.table} where run_id = ? and key = ?
       group by ${bucketOf(b.source)}
     )
     select (lo[2])::bigint as step, (lo[3])::bigint as timestamp, lo[1] as value from buckets
     union select (-hi[2])::bigint, (-hi[3])::bigint, hi[1] from buckets
     ${seriesEnds}`;
}

const groupedBindings = (b: Bucketing) => [
  b.runId,
  b.key,
  b.lo,
  b.width,
  b.runId,
  b.key,
  b.runId,
  b.key,
];

/**
 * PostgreSQL: one grouped pass. Per bucket, min() / max() of [value, step, timestamp] arrays
 * pick the lowest / highest point (step and timestamp negated for the highest, so ties go to
 * the earliest point as with the lowest). Sorting with window functions took 4x as long on a
 * 10,000-point series (docs/benchmarks.md). Steps and timestamps are exact in float8 up to
 * 2^53, beyond what a JS number holds exactly anyway.
 */
export async function groupedExtremes(
  db: Knex,
  b: Bucketing,
): Promise<unknown[]> {
  const { rows } = await db.raw(groupedExtremesSql(b), groupedBindings(b));
  return rows;
}

/**
 * groupedExtremes with the points written as JSON text by the database (renderedPoints.ts):
 * the kept points in order, and how many. The aggregate takes the rows in the order the
 * subquery's ORDER BY gives them, as in MetricHistory.pageJson.
 */
export async function renderedGroupedExtremes(
  db: Knex,
  b: Bucketing,
): Promise<{ text: string; count: number }> {
  const { rows } = await db.raw(
    `select ${pointsTextAggregate} as points_text, count(*) as kept
     from (${groupedExtremesSql(b)}) as extremes`,
    groupedBindings(b),
  );
  return { text: rows[0].points_text ?? '', count: Number(rows[0].kept) };
}

/**
 * SQLite (>= 3.25), and the reference the grouped query is tested against: window functions
 * rank each bucket's candidates by value both ways.
 */
export async function windowExtremes(
  db: Knex,
  b: Bucketing,
): Promise<unknown[]> {
  const { table } = b.source;
  const bucket = bucketOf(b.source);
  // Each bucket's candidates ranked one way, as (step, timestamp, value, position).
  const ranked = (c: ExtremesSource['lowest'], order: 'asc' | 'desc') => {
    const point = `${c.step} as step, ${c.timestamp} as timestamp, ${c.value} as value`;
    const rank = `${c.value} ${order}, ${c.step} asc, ${c.timestamp} asc`;
    return `select ${point},
      row_number() over (partition by ${bucket} order by ${rank}) as position
      from ${table} where run_id = ? and key = ?`;
  };
  const lowest = ranked(b.source.lowest, 'asc');
  const highest = ranked(b.source.highest, 'desc');
  const candidates = `
    select step, timestamp, value from (${lowest}) as lowest where position = 1
    union select step, timestamp, value from (${highest}) as highest where position = 1`;
  const side = [b.lo, b.width, b.runId, b.key];
  const result = await db.raw(`${candidates} ${seriesEnds}`, [
    ...side,
    ...side,
    b.runId,
    b.key,
    b.runId,
    b.key,
  ]);
  // knex.raw answers rows on SQLite, a result with rows on PostgreSQL.
  return Array.isArray(result) ? result : result.rows;
}
