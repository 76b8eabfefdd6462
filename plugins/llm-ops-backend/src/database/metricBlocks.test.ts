import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from './AssetStore';
import { compareFloat8 } from './metricBlocks';
import { migrationsDir } from './migrate';
import { RunStore } from './RunStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

type Point = { key: string; step: number; timestamp: number; value: number };

/**
 * What metric_blocks must hold for these points, worked out from all of them at once (the
 * store merges them batch by batch, in SQL), in PostgreSQL's order of doubles: per key and block of
 * 4 steps (rounded down, negative steps too), the lowest point (lowest value, earliest step,
 * then timestamp) and the highest (highest value, earliest step, then timestamp).
 */
function expectedBlocks(runId: string, points: Point[]) {
  const groups = new Map<string, Point[]>();
  for (const p of points) {
    const id = `${p.key}/${Math.floor(p.step / 4)}`;
    groups.set(id, [...(groups.get(id) ?? []), p]);
  }
  const earlier = (a: Point, b: Point) =>
    a.step - b.step || a.timestamp - b.timestamp;
  return [...groups.values()]
    .map(group => {
      const lo = [...group].sort(
        (a, b) => compareFloat8(a.value, b.value) || earlier(a, b),
      )[0];
      const hi = [...group].sort(
        (a, b) => compareFloat8(b.value, a.value) || earlier(a, b),
      )[0];
      return {
        run_id: runId,
        key: lo.key,
        block: Math.floor(lo.step / 4),
        lo_value: lo.value,
        lo_step: lo.step,
        lo_timestamp: lo.timestamp,
        hi_value: hi.value,
        hi_step: hi.step,
        hi_timestamp: hi.timestamp,
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key) || a.block - b.block);
}

async function storedBlocks(knex: Knex, runId: string) {
  const rows = await knex('metric_blocks')
    .where({ run_id: runId })
    .orderBy(['key', 'block']);
  return rows
    .map(r => ({
      ...r,
      block: Number(r.block),
      lo_value: Number(r.lo_value),
      lo_step: Number(r.lo_step),
      lo_timestamp: Number(r.lo_timestamp),
      hi_value: Number(r.hi_value),
      hi_step: Number(r.hi_step),
      hi_timestamp: Number(r.hi_timestamp),
    }))
    .sort((a, b) => a.key.localeCompare(b.key) || a.block - b.block);
}

/**
 * Points with what makes blocks hard: equal values at different steps and timestamps, several
 * points on one step, negative steps, two keys, and (PostgreSQL only) NaN and infinities.
 */
function trickyPoints(withNaN: boolean): Point[] {
  const points: Point[] = [];
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let i = 0; i < 600; i++) {
    const step = -9 + Math.floor(i / 2) + (i % 13 === 0 ? 3 : 0);
    let value = Math.round(random() * 6) / 2;
    if (withNaN && i % 41 === 0) value = Number.NaN;
    if (withNaN && i % 53 === 0) value = i % 2 ? Infinity : -Infinity;
    points.push({
      key: i % 5 === 0 ? 'acc' : 'loss',
      step,
      timestamp: 1_000 + (i % 7),
      value,
    });
  }
  return points;
}

describe.each(databases.eachSupportedId())(
  'metric_blocks on %s',
  databaseId => {
    const postgres = databaseId.startsWith('POSTGRES');

    async function newRun(knex: Knex) {
      const assets = new AssetStore(knex);
      if (!(await knex('assets').where({ name: 'blocks' }).first()))
        await assets.create('experiment', { name: 'blocks' });
      const runs = new RunStore(knex, assets);
      return {
        runs,
        runId: (await runs.create({ experimentId: 'blocks' })).id,
      };
    }

    it('keeps every block’s lowest and highest point across batches in any order, re-sent points included', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const { runs, runId } = await newRun(knex);
      const points = trickyPoints(postgres);
      // Shuffled into batches of varied size; a fifth of the points sent twice.
      const order = points
        .map((p, i) => ({ p, at: (i * 7919) % points.length }))
        .sort((a, b) => a.at - b.at)
        .map(x => x.p);
      const resent = order.filter((_, i) => i % 5 === 0);
      const stream = [...order, ...resent];
      for (
        let i = 0, size = 1;
        i < stream.length;
        i += size, size = (size * 3) % 97 || 1
      ) {
        const batch = stream.slice(i, i + size);
        await knex.transaction(tx =>
          runs.logBatch(runId, { metrics: batch }, tx),
        );
      }
      expect(await storedBlocks(knex, runId)).toEqual(
        expectedBlocks(runId, points),
      );
    });

    it('fills the blocks of the points already stored when the migration runs', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const { runId } = await newRun(knex);
      await knex.migrate.down({ directory: migrationsDir });
      expect(await knex.schema.hasTable('metric_blocks')).toBe(false);
      const points = trickyPoints(postgres);
      const unique = new Map(
        points.map(p => [`${p.key}/${p.step}/${p.timestamp}/${p.value}`, p]),
      );
      await knex.batchInsert(
        'metric_points',
        [...unique.values()].map(p => ({ run_id: runId, ...p })),
        100,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await storedBlocks(knex, runId)).toEqual(
        expectedBlocks(runId, points),
      );
    });
  },
);
