import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import {
  fromBlocks,
  fromPoints,
  groupedExtremes,
  windowExtremes,
} from './extremesQueries';
import { MetricHistory, type MetricPoint } from './MetricHistory';
import { migrationsDir } from './migrate';
import { RunStore } from './RunStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const byPoint = (x: MetricPoint, y: MetricPoint) =>
  x.step - y.step || x.timestamp - y.timestamp || x.value - y.value;

/**
 * What downsampled() promises, in plain JS: buckets of `width` steps from the first step, or,
 * when that is 8 blocks of 4 steps or more, of whole blocks from the first step's block; per
 * bucket the lowest and the highest value (ties: earliest step, then timestamp), plus the first
 * and last point in (step, timestamp, value) order; sorted the same way, each point once.
 */
function reference(points: MetricPoint[], maxPoints: number): MetricPoint[] {
  const sorted = [...points].sort(byPoint);
  const lo = sorted[0].step;
  const hi = Math.max(...sorted.map(p => p.step));
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const width = Math.max(1, Math.ceil((hi - lo + 1) / buckets));
  const block = (step: number) => Math.floor(step / 4);
  const blockWidth = Math.ceil((block(hi) - block(lo) + 1) / buckets);
  const bucketOf = (step: number) =>
    width >= 32
      ? Math.floor((block(step) - block(lo)) / blockWidth)
      : Math.floor((step - lo) / width);
  const earlier = (x: MetricPoint, y: MetricPoint) =>
    x.step - y.step || x.timestamp - y.timestamp;
  const kept = new Set<MetricPoint>([sorted[0], sorted[sorted.length - 1]]);
  const extremes = new Map<number, { min: MetricPoint; max: MetricPoint }>();
  for (const p of sorted) {
    const bucket = bucketOf(p.step);
    const e = extremes.get(bucket);
    if (!e) {
      extremes.set(bucket, { min: p, max: p });
      continue;
    }
    if (
      p.value < e.min.value ||
      (p.value === e.min.value && earlier(p, e.min) < 0)
    )
      e.min = p;
    if (
      p.value > e.max.value ||
      (p.value === e.max.value && earlier(p, e.max) < 0)
    )
      e.max = p;
  }
  for (const { min, max } of extremes.values()) kept.add(min).add(max);
  return [...kept].sort(byPoint);
}

/**
 * Walks a series with page() and pageJson() side by side, up to maxPages pages: each rendered
 * page must parse to page()'s points as JSON.stringify writes them, with the same count and the
 * same next cursor. Answers how many pages and points it read.
 */
async function walkBothWays(
  history: MetricHistory,
  runId: string,
  key: string,
  pageSize: number,
  maxPages = Infinity,
): Promise<{ pages: number; points: number }> {
  let cursor: string | undefined;
  let pages = 0;
  let read = 0;
  do {
    const page = await history.page(runId, key, pageSize, cursor);
    const rendered = await history.pageJson(runId, key, pageSize, cursor);
    expect(JSON.parse(rendered.pointsJson)).toEqual(
      JSON.parse(JSON.stringify(page.points)),
    );
    expect(rendered.count).toBe(page.points.length);
    expect(rendered.nextCursor).toBe(page.nextCursor);
    read += rendered.count;
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor && pages < maxPages);
  return { pages, points: read };
}

describe.each(databases.eachSupportedId())(
  'MetricHistory on %s',
  databaseId => {
    let knex: Knex;
    let history: MetricHistory;
    let runId: string;
    const points: MetricPoint[] = [];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      history = new MetricHistory(knex);
      const assets = new AssetStore(knex);
      await assets.create('experiment', { name: 'history' });
      const runs = new RunStore(knex, assets);
      runId = (await runs.create({ experimentId: 'history' })).id;
      // 2,000 points from step 3 with gaps, spikes and dips, equal values within buckets (ties),
      // several points on one step (same step, different timestamps and values) and, at the
      // last step, two points with the same timestamp.
      let seed = 42;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      for (let i = 0; i < 2000; i++) {
        const step = 3 + i * 2 + (i % 97 === 0 ? 5 : 0);
        let value = Math.round(random() * 40) / 10;
        if (i % 211 === 0) value = 50;
        if (i % 307 === 0) value = -5;
        points.push({ step, timestamp: 1_000_000 + i * 10, value });
        if (i % 50 === 0)
          points.push({ step, timestamp: 1_000_000 + i * 10 + 1, value: 1.5 });
      }
      const last = points[points.length - 1];
      points.push({ ...last, value: last.value + 1 });
      await knex.transaction(tx =>
        runs.logBatch(
          runId,
          { metrics: points.map(p => ({ key: 'loss', ...p })) },
          tx,
        ),
      );
    });

    it.each([4, 10, 101, 500, 1999])(
      'downsamples to at most maxPoints=%s, keeping each bucket’s extremes and both ends',
      async maxPoints => {
        const result = await history.downsampled(runId, 'loss', maxPoints);
        expect(result.downsampled).toBe(true);
        expect(result.points).toEqual(reference(points, maxPoints));
        expect(result.points.length).toBeLessThanOrEqual(maxPoints);
      },
    );

    it('returns a series that fits unchanged, in order', async () => {
      const result = await history.downsampled(runId, 'loss', points.length);
      expect(result).toEqual({
        points: [...points].sort(byPoint),
        downsampled: false,
      });
    });

    // The series is counted only up to maxPoints + 1: one point more than maxPoints must still
    // downsample, exactly maxPoints must not.
    it('downsamples a series one point longer than maxPoints', async () => {
      const result = await history.downsampled(
        runId,
        'loss',
        points.length - 1,
      );
      expect(result.downsampled).toBe(true);
      expect(result.points).toEqual(reference(points, points.length - 1));
    });

    // The run is looked up only when a series comes back empty: an unknown run must still be a
    // 404, and a known run without the metric an empty series.
    it('answers an unknown run with NotFoundError, paged or downsampled', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      await expect(history.page(unknown, 'loss', 10)).rejects.toThrow(
        `No run with id '${unknown}'`,
      );
      await expect(history.downsampled(unknown, 'loss', 10)).rejects.toThrow(
        `No run with id '${unknown}'`,
      );
    });

    it('gives an empty series for a metric the run never logged', async () => {
      expect(await history.page(runId, 'never-logged', 10)).toEqual({
        points: [],
        nextCursor: null,
      });
      expect(await history.downsampled(runId, 'never-logged', 10)).toEqual({
        points: [],
        downsampled: false,
      });
    });

    // What a client reads from pageJson must be what it read from page(): the same points, the
    // same count and the same cursors, page after page (on PostgreSQL the database writes it).
    it.each([1, 7, 500, 2100])(
      'renders page after page as JSON exactly as page() would be stringified (pageSize=%s)',
      async pageSize => {
        const { pages } = await walkBothWays(
          history,
          runId,
          'loss',
          pageSize,
          20,
        );
        expect(pages).toBe(Math.min(20, Math.ceil(points.length / pageSize)));
      },
    );

    // downsampledJson is downsampled() as the client reads it (on PostgreSQL, written by the
    // database): from blocks, from points, and whole.
    it.each([4, 101, 500, 1999, 2041, 2042, 5000])(
      'renders the downsampled series as JSON exactly as downsampled() would be stringified (maxPoints=%s)',
      async maxPoints => {
        const series = await history.downsampled(runId, 'loss', maxPoints);
        const rendered = await history.downsampledJson(
          runId,
          'loss',
          maxPoints,
        );
        expect(JSON.parse(rendered.pointsJson)).toEqual(
          JSON.parse(JSON.stringify(series.points)),
        );
        expect(rendered.count).toBe(series.points.length);
        expect(rendered.downsampled).toBe(series.downsampled);
      },
    );

    it('renders an empty series and refuses an unknown run, as page() does', async () => {
      expect(await history.pageJson(runId, 'never-logged', 10)).toEqual({
        pointsJson: '[]',
        count: 0,
        nextCursor: null,
      });
      const unknown = '00000000-0000-4000-8000-000000000000';
      await expect(history.pageJson(unknown, 'loss', 10)).rejects.toThrow(
        `No run with id '${unknown}'`,
      );
      expect(await history.downsampledJson(runId, 'never-logged', 10)).toEqual({
        pointsJson: '[]',
        count: 0,
        downsampled: false,
      });
      await expect(
        history.downsampledJson(unknown, 'loss', 10),
      ).rejects.toThrow(`No run with id '${unknown}'`);
    });

    if (databaseId.startsWith('POSTGRES')) {
      // Doubles PostgreSQL spells its own way, and the ones JSON has no spelling for. A database
      // rounding to 15 digits (extra_float_digits = 0) would fail on the first three.
      it('renders doubles exactly, and NaN, infinities and -0 as JSON.stringify does', async () => {
        const values = [
          0.1 + 0.2,
          1 / 3,
          5e-324,
          1.7976931348623157e308,
          -1e-7,
          1e21,
          Number.NaN,
          Infinity,
          -Infinity,
          -0,
        ];
        const tricky = values.map((value, i) => ({
          run_id: runId,
          key: 'tricky',
          step: i,
          timestamp: 2 ** 53 - 1,
          // node-postgres sends -0 as '0': spell it for the database.
          value: Object.is(value, -0) ? knex.raw(`'-0'::float8`) : value,
        }));
        await knex('metric_points').insert(tricky);
        const rendered = await history.pageJson(runId, 'tricky', 100);
        const page = await history.page(runId, 'tricky', 100);
        expect(page.points.map(p => p.value)).toEqual(values);
        expect(JSON.parse(rendered.pointsJson)).toEqual(
          JSON.parse(JSON.stringify(page.points)),
        );
        expect(JSON.parse(rendered.pointsJson)[9].value).toBe(0);
        expect(Object.is(JSON.parse(rendered.pointsJson)[9].value, -0)).toBe(
          false,
        );
        // A page that ends on such a value continues where page() continues it.
        for (const pageSize of [1, 3]) {
          const walked = await walkBothWays(history, runId, 'tricky', pageSize);
          expect(walked.points).toBe(values.length);
        }
      });

      it('gives the same points with the grouped query as with the window query, from points and from blocks', async () => {
        const cases = [
          { source: fromPoints, lo: 3, widths: [1, 7, 40, 1000, 10_000] },
          { source: fromBlocks, lo: 0, widths: [1, 3, 10, 250, 5000] },
        ];
        for (const { source, lo, widths } of cases) {
          for (const width of widths) {
            const bucketing = { runId, key: 'loss', source, lo, width };
            const grouped = await groupedExtremes(knex, bucketing);
            const windowed = await windowExtremes(knex, bucketing);
            expect(grouped.length).toBeGreaterThan(1);
            expect(grouped).toEqual(windowed);
          }
        }
      });
    }
  },
);
