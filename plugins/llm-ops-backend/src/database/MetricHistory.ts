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
import { finishRenderedPoints, pointsTextAggregate } from './renderedPoints';

export type MetricPoint = { step: number; timestamp: number; value: number };

/** A page of points already written as a JSON array, with what the answer needs beside it. */
export type RenderedPage = {
  pointsJson: string;
  count: number;
  nextCursor: string | null;
};

/** One series split into buckets of `width` steps from step `lo`. */
type Bucketing = { runId: string; key: string; lo: number; width: number };

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
   * value at the earliest step, then timestamp.
   */
  async downsampled(runId: string, key: string, maxPoints: number) {
    const bounds = await this.bounds(runId, key, maxPoints);
    if (bounds.count === 0) await this.requireRun(runId);
    if (bounds.count <= maxPoints) {
      const all = await this.db('metric_points')
        .where({ run_id: runId, key })
        .orderBy([
          { column: 'step' },
          { column: 'timestamp' },
          { column: 'value' },
        ])
        .select('step', 'timestamp', 'value');
      return { points: all.map(toPoint), downsampled: false };
    }
    const { lo, hi } = bounds;
    const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
    const width = Math.max(1, Math.ceil((hi - lo + 1) / buckets));
    const bucketing = { runId, key, lo, width };
    const rows =
      this.db.client.config.client === 'pg'
        ? await this.groupedExtremes(bucketing)
        : await this.windowExtremes(bucketing);
    return { points: rows.map(toPoint), downsampled: true };
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

  /**
   * PostgreSQL: one grouped pass over the series. Per bucket, min() / max() of
   * [value, step, timestamp] arrays pick the lowest / highest point (the steps and timestamps
   * negated for the highest, so ties go to the earliest point as with the lowest); the first
   * and last points come from the primary key. Sorting the points four times with window
   * functions took 4x as long on a 10,000-point series (docs/benchmarks.md). Steps and
   * timestamps are exact in float8 up to 2^53, beyond what a JS number holds exactly anyway.
   */
  private async groupedExtremes(b: Bucketing): Promise<unknown[]> {
    const series = 'from metric_points where run_id = ? and key = ?';
    const { rows } = await this.db.raw(
      `with buckets as (
         select min(array[value, step::float8, timestamp::float8]) as lo,
                max(array[value, -step::float8, -timestamp::float8]) as hi
         ${series}
         group by (step - cast(? as bigint)) / cast(? as bigint)
       )
       select (lo[2])::bigint as step, (lo[3])::bigint as timestamp, lo[1] as value from buckets
       union select (-hi[2])::bigint, (-hi[3])::bigint, hi[1] from buckets
       union (select step, timestamp, value ${series}
              order by step, timestamp, value limit 1)
       union (select step, timestamp, value ${series}
              order by step desc, timestamp desc, value desc limit 1)
       order by step, timestamp, value`,
      [b.runId, b.key, b.lo, b.width, b.runId, b.key, b.runId, b.key],
    );
    return rows;
  }

  /**
   * SQLite (>= 3.25) and the reference for the grouped query: window functions rank each
   * bucket's points by value both ways, and the series' points from both ends. The casts keep
   * the bucket division integral: SQLite binds JS numbers as REAL.
   */
  private async windowExtremes(b: Bucketing): Promise<unknown[]> {
    const { runId, key, lo, width } = b;
    return this.db
      .select('step', 'timestamp', 'value')
      .from(
        this.db('metric_points')
          .where({ run_id: runId, key })
          .select(
            'step',
            'timestamp',
            'value',
            this.db.raw(
              'row_number() over (partition by (step - cast(? as bigint)) / cast(? as bigint) order by value asc, step asc, timestamp asc) as rn_min',
              [lo, width],
            ),
            this.db.raw(
              'row_number() over (partition by (step - cast(? as bigint)) / cast(? as bigint) order by value desc, step asc, timestamp asc) as rn_max',
              [lo, width],
            ),
            this.db.raw(
              'row_number() over (order by step asc, timestamp asc, value asc) as rn_first',
            ),
            this.db.raw(
              'row_number() over (order by step desc, timestamp desc, value desc) as rn_last',
            ),
          )
          .as('ranked'),
      )
      .where('rn_min', 1)
      .orWhere('rn_max', 1)
      .orWhere('rn_first', 1)
      .orWhere('rn_last', 1)
      .orderBy([
        { column: 'step' },
        { column: 'timestamp' },
        { column: 'value' },
      ]);
  }
}
