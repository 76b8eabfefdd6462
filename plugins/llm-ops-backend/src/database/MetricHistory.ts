import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  encodeCursor,
  pageOf,
  type KeysetColumn,
} from '../query';
import { toMillis } from './conversions';
import {
  fromBlocks,
  fromPoints,
  groupedExtremes,
  renderedGroupedExtremes,
  windowExtremes,
  type Bucketing,
} from './extremesQueries';
import { blockOf, METRIC_BLOCK_STEPS } from './metricBlocks';
import {
  finishRenderedPoints,
  pointsTextAggregate,
  renderedPointsArray,
} from './renderedPoints';

export type MetricPoint = { step: number; timestamp: number; value: number };

/** A page of points already written as a JSON array, with what the answer needs beside it. */
export type RenderedPage = {
  pointsJson: string;
  count: number;
  nextCursor: string | null;
};

/**
 * Below this many blocks a bucket, buckets are made of steps: rounding a bucket up to whole
 * blocks would lose more than about an eighth of the resolution asked for.
 */
const MIN_BLOCKS_PER_BUCKET = 8;

/**
 * The buckets for at most maxPoints points: (maxPoints - 2) / 2 of them, as each keeps two
 * points and the series' ends two more. `width` steps each from the first step; when that is
 * MIN_BLOCKS_PER_BUCKET blocks or more, whole blocks instead (at most one block wider), read
 * from metric_blocks: for a 10,000-step series downsampled to 500 points, 2,500 rows instead of
 * 10,000.
 */
export function bucketsFor(
  runId: string,
  key: string,
  bounds: { lo: number; hi: number },
  maxPoints: number,
): Bucketing {
  const { lo, hi } = bounds;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const width = Math.max(1, Math.ceil((hi - lo + 1) / buckets));
  if (width < MIN_BLOCKS_PER_BUCKET * METRIC_BLOCK_STEPS) {
    return { runId, key, source: fromPoints, lo, width };
  }
  const [loBlock, hiBlock] = [blockOf(lo), blockOf(hi)];
  return {
    runId,
    key,
    source: fromBlocks,
    lo: loBlock,
    width: Math.ceil((hiBlock - loBlock + 1) / buckets),
  };
}

const keyset: KeysetColumn[] = [
  { expr: 'step', direction: 'asc', nullable: false },
  { expr: 'timestamp', direction: 'asc', nullable: false },
  { expr: 'value', direction: 'asc', nullable: false, float: true },
];

const toPoint = (row: any): MetricPoint => ({
  step: toMillis(row.step),
  timestamp: toMillis(row.timestamp),
  value: Number(row.value),
});

/** The full history of a run's metric, paged or downsampled. */
export class MetricHistory {
  constructor(private readonly db: Knex) {}

  // Asked only when a series comes back empty: a run with points exists, so the common case is
  // one statement, not two.
  private async requireRun(runId: string) {
    const run = await this.db('runs').where({ id: runId }).first('id');
    if (!run) throw new NotFoundError(`No run with id '${runId}'`);
  }

  /** The series in step order, from the cursor's point on; the cursor belongs to this series. */
  private pointsFrom(runId: string, key: string, cursor?: string) {
    const scope = `metric-history:${runId}:${key}`;
    const query = this.db('metric_points')
      .where({ run_id: runId, key })
      .select('step', 'timestamp', 'value');
    applyKeyset(
      query,
      keyset,
      cursor ? decodeCursor(cursor, scope) : undefined,
    );
    applyKeysetOrder(query, keyset);
    return { query, scope };
  }

  /** Points in step order, a page at a time (keyset on the points' identity). */
  async page(runId: string, key: string, pageSize: number, cursor?: string) {
    const { query, scope } = this.pointsFrom(runId, key, cursor);
    const rows = (await query.limit(pageSize + 1)).map(toPoint);
    if (rows.length === 0) await this.requireRun(runId);
    const page = pageOf(
      rows,
      pageSize,
      p => [p.step, p.timestamp, p.value],
      scope,
    );
    return { points: page.items, nextCursor: page.nextCursor ?? null };
  }

  /**
   * page(), with the points as the JSON text of the answer. On PostgreSQL the database writes
   * it: a 10,000-point page then arrives as one text value instead of 10,000 rows the backend
   * parses, turns into objects and serialises again, which was three quarters of the event
   * loop's time on such an answer (docs/benchmarks.md). Elsewhere it is page() stringified.
   * Both write what JSON.stringify writes for page()'s points, up to number spelling (`1e-07`
   * for `1e-7`): NaN and infinities as null, -0 as 0 (renderedPoints.ts).
   */
  async pageJson(
    runId: string,
    key: string,
    pageSize: number,
    cursor?: string,
  ): Promise<RenderedPage> {
    if (this.db.client.config.client !== 'pg') {
      const page = await this.page(runId, key, pageSize, cursor);
      return {
        pointsJson: JSON.stringify(page.points),
        count: page.points.length,
        nextCursor: page.nextCursor,
      };
    }
    const { query, scope } = this.pointsFrom(runId, key, cursor);
    // string_agg without its own ORDER BY takes the rows in the order of the sorted, limited
    // subquery (PostgreSQL's documented idiom; a Limit is never split across parallel
    // workers). Its own ORDER BY would sort the page again: half as much time once more.
    const row = await this.db
      .from(query.limit(pageSize + 1).as('points'))
      .first(
        this.db.raw(`${pointsTextAggregate} as points_text`),
        this.db.raw('count(*) as fetched'),
      );
    const fetched = Number(row.fetched);
    if (fetched === 0) {
      await this.requireRun(runId);
      return { pointsJson: '[]', count: 0, nextCursor: null };
    }
    const { json, lastKey } = finishRenderedPoints(
      row.points_text,
      fetched,
      pageSize,
    );
    return {
      pointsJson: json,
      count: Math.min(fetched, pageSize),
      nextCursor: lastKey ? encodeCursor(lastKey, scope) : null,
    };
  }

  /**
   * The whole series in at most `maxPoints` points: the steps are split into equal buckets and
   * each bucket keeps its lowest and highest value, plus the first and last point of the series
   * (in step, timestamp, value order), so spikes and dips survive. Computed in the database, so
   * a million-point series costs one indexed scan, not a transfer. Ties: the lowest (highest)
   * value at the earliest step, then timestamp. Buckets wide enough are made of whole blocks
   * of steps and read from metric_blocks (bucketsFor).
   */
  async downsampled(runId: string, key: string, maxPoints: number) {
    const bounds = await this.bounds(runId, key, maxPoints);
    if (bounds.count <= maxPoints) {
      // All of it fits: one page of maxPoints, which also answers an unknown run with a 404.
      const all = await this.page(runId, key, maxPoints);
      return { points: all.points, downsampled: false };
    }
    const bucketing = bucketsFor(runId, key, bounds, maxPoints);
    const rows =
      this.db.client.config.client === 'pg'
        ? await groupedExtremes(this.db, bucketing)
        : await windowExtremes(this.db, bucketing);
    return { points: rows.map(toPoint), downsampled: true };
  }

  /**
   * downsampled(), with the points as the JSON text of the answer, as pageJson() is to page():
   * on PostgreSQL the database writes it.
   */
  async downsampledJson(
    runId: string,
    key: string,
    maxPoints: number,
  ): Promise<{ pointsJson: string; count: number; downsampled: boolean }> {
    if (this.db.client.config.client !== 'pg') {
      const series = await this.downsampled(runId, key, maxPoints);
      return {
        pointsJson: JSON.stringify(series.points),
        count: series.points.length,
        downsampled: series.downsampled,
      };
    }
    const bounds = await this.bounds(runId, key, maxPoints);
    if (bounds.count <= maxPoints) {
      // All of it fits: one page of maxPoints, which also answers an unknown run with a 404.
      const all = await this.pageJson(runId, key, maxPoints);
      return {
        pointsJson: all.pointsJson,
        count: all.count,
        downsampled: false,
      };
    }
    const { text, count } = await renderedGroupedExtremes(
      this.db,
      bucketsFor(runId, key, bounds, maxPoints),
    );
    return {
      pointsJson: renderedPointsArray(text),
      count,
      downsampled: true,
    };
  }

  /**
   * The series' first and last step, and its size counted only up to maxPoints + 1: enough to
   * decide whether to downsample. Three short walks of the primary key instead of an aggregate
   * over the whole series, which took a third of a 10,000-point downsampled read's database
   * time (docs/benchmarks.md).
   */
  private async bounds(runId: string, key: string, maxPoints: number) {
    const series = 'from metric_points where run_id = ? and key = ?';
    const { lo, hi, n } = await this.db
      .select(
        this.db.raw(`(select step ${series} order by step asc limit 1) as lo`, [
          runId,
          key,
        ]),
        this.db.raw(
          `(select step ${series} order by step desc limit 1) as hi`,
          [runId, key],
        ),
        this.db.raw(
          `(select count(*) from (select 1 as one ${series} limit ?) as capped) as n`,
          [runId, key, maxPoints + 1],
        ),
      )
      .first();
    return { lo: toMillis(lo), hi: toMillis(hi), count: Number(n ?? 0) };
  }
}
