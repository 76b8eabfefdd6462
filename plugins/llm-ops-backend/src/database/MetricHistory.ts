import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  pageOf,
  type KeysetColumn,
} from '../query';
import { toMillis } from './conversions';

export type MetricPoint = { step: number; timestamp: number; value: number };

const keyset: KeysetColumn[] = [
  { expr: 'step', direction: 'asc', nullable: false },
  { expr: 'timestamp', direction: 'asc', nullable: false },
  { expr: 'value', direction: 'asc', nullable: false },
];

const toPoint = (row: any): MetricPoint => ({
  step: toMillis(row.step),
  timestamp: toMillis(row.timestamp),
  value: Number(row.value),
});

/** The full history of a run's metric, paged or downsampled. */
export class MetricHistory {
  constructor(private readonly db: Knex) {}

  private async requireRun(runId: string) {
    const run = await this.db('runs').where({ id: runId }).first('id');
    if (!run) throw new NotFoundError(`No run with id '${runId}'`);
  }

  /** Points in step order, a page at a time (keyset on the points' identity). */
  async page(runId: string, key: string, pageSize: number, cursor?: string) {
    await this.requireRun(runId);
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
    const rows = (await query.limit(pageSize + 1)).map(toPoint);
    const page = pageOf(
      rows,
      pageSize,
      p => [p.step, p.timestamp, p.value],
      scope,
    );
    return { points: page.items, nextCursor: page.nextCursor ?? null };
  }

  /**
   * The whole series in at most `maxPoints` points: the steps are split into equal buckets and
   * each bucket keeps its lowest and highest value, plus the first and last point of the series,
   * so spikes and dips survive. Computed in the database with window functions (PostgreSQL,
   * SQLite >= 3.25), so a million-point series costs one indexed scan, not a transfer. The
   * casts keep the bucket division integral: SQLite binds JS numbers as REAL.
   */
  async downsampled(runId: string, key: string, maxPoints: number) {
    await this.requireRun(runId);
    const bounds = await this.db('metric_points')
      .where({ run_id: runId, key })
      .min({ lo: 'step' })
      .max({ hi: 'step' })
      .count({ n: '*' })
      .first();
    const count = Number(bounds?.n ?? 0);
    if (count <= maxPoints) {
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
    const lo = toMillis(bounds!.lo);
    const hi = toMillis(bounds!.hi);
    const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
    const width = Math.max(1, Math.ceil((hi - lo + 1) / buckets));
    const rows = await this.db
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
              'row_number() over (order by step asc, timestamp asc) as rn_first',
            ),
            this.db.raw(
              'row_number() over (order by step desc, timestamp desc) as rn_last',
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
    return { points: rows.map(toPoint), downsampled: true };
  }
}
