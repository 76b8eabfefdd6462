import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { migrationsDir } from './migrate';
import { EndpointStore, builtinObserved } from './EndpointStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

async function insertModel(
  knex: Knex,
  name: string,
  labels: string[],
  lifecycle = 'active',
) {
  const now = Date.now();
  const assetId = randomUUID();
  await knex('assets').insert({
    id: assetId,
    kind: 'model',
    name,
    lifecycle,
    spec: '{}',
    status: '{}',
    created_at: now,
    updated_at: now,
  });
  const ids: string[] = [];
  for (const label of labels) {
    const id = randomUUID();
    await knex('versions').insert({
      id,
      asset_id: assetId,
      version: label,
      created_at: now,
      updated_at: now,
    });
    ids.push(id);
  }
  return ids;
}

const served = async (knex: Knex, endpointId: string) =>
  (
    await knex('lineage_edges')
      .where({ from_id: endpointId, relation: 'serves' })
      .pluck('to_id')
  ).sort();

describe('builtinObserved', () => {
  const v1 = { modelVersionId: 'a', modelName: 'm', version: '1' };
  const empty = builtinObserved(
    'ep',
    [],
    0,
    {
      state: 'Unknown',
      conditions: [],
      traffic: [],
      latestReadyRevision: null,
      latestRolledOutRevision: null,
      observedAt: null,
    },
    1000,
  );

  it('is NotReady without traffic and Ready with it, keeping the transition time while Ready', () => {
    expect(empty).toMatchObject({
      state: 'NotReady',
      conditions: [
        { type: 'Ready', status: 'False', lastTransitionTime: 1000 },
      ],
      latestRolledOutRevision: null,
    });
    const ready = builtinObserved(
      'ep',
      [{ ...v1, percent: 100, role: 'stable' }],
      1,
      empty,
      2000,
    );
    expect(ready).toMatchObject({
      state: 'Ready',
      conditions: [{ status: 'True', lastTransitionTime: 2000 }],
      latestReadyRevision: 'ep-00001',
      latestRolledOutRevision: 'ep-00001',
      observedAt: 2000,
    });
    const still = builtinObserved('ep', ready.traffic, 2, ready, 3000);
    expect(still.conditions[0].lastTransitionTime).toBe(2000);
    expect(still.latestReadyRevision).toBe('ep-00002');
  });
});

describe.each(databases.eachSupportedId())(
  'EndpointStore on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      return { knex, store: new EndpointStore(knex) };
    }

    it('applies concurrent deploys one after the other', async () => {
      const { knex, store } = await setup();
      const [v1, v2] = await insertModel(knex, 'bert', ['1', '2']);
      const created = await store.create({
        name: 'chat',
        runtime: 'builtin',
        modelVersionId: v1,
      });
      expect(created.generation).toBe(1);
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          knex.transaction(tx =>
            store.deploy('chat', { modelVersionId: i % 2 ? v1 : v2 }, tx),
          ),
        ),
      );
      const after = await store.get('chat');
      expect(after.generation).toBe(7);
      expect(after.desired.traffic).toHaveLength(1);
      expect(await served(knex, after.asset.id)).toEqual([
        after.desired.traffic[0].modelVersionId,
      ]);
    });

    it('records what a serving platform reports without touching the desired traffic', async () => {
      const { knex, store } = await setup();
      const [v1] = await insertModel(knex, 'bert', ['1']);
      await store.create({
        name: 'llama',
        runtime: 'kserve',
        namespace: 'serving',
        modelVersionId: v1,
      });
      const traffic = [
        {
          modelVersionId: v1,
          modelName: 'bert',
          version: '1',
          percent: 100,
          role: 'stable' as const,
        },
      ];
      const reported = await knex.transaction(tx =>
        store.recordObserved(
          'llama',
          {
            state: 'Ready',
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: null,
                message: null,
                lastTransitionTime: 5000,
              },
            ],
            traffic,
            latestReadyRevision: 'llama-predictor-00001',
            latestRolledOutRevision: 'llama-predictor-00001',
            observedAt: 6000,
          },
          tx,
          { url: 'http://llama.serving.example.com' },
        ),
      );
      expect(reported.observed).toMatchObject({
        state: 'Ready',
        traffic,
        observedAt: 6000,
      });
      expect(reported.url).toBe('http://llama.serving.example.com');
      expect(reported.desired.traffic).toEqual(traffic);
      expect(reported.generation).toBe(1);
    });

    it('makes the serves edges equal to the desired traffic, also after a stray edge', async () => {
      const { knex, store } = await setup();
      const [v1, v2, v3] = await insertModel(knex, 'bert', ['1', '2', '3']);
      const created = await store.create({ name: 'chat', runtime: 'builtin' });
      expect(await served(knex, created.asset.id)).toEqual([]);
      await knex('lineage_edges').insert({
        from_type: 'endpoint',
        from_id: created.asset.id,
        relation: 'serves',
        to_type: 'model-version',
        to_id: v3,
        created_at: Date.now(),
      });
      await knex.transaction(tx =>
        store.deploy('chat', { modelVersionId: v1 }, tx),
      );
      await knex.transaction(tx =>
        store.deploy('chat', { modelVersionId: v2, canaryPercent: 40 }, tx),
      );
      expect(await served(knex, created.asset.id)).toEqual([v1, v2].sort());
      await knex.transaction(tx => store.rollback('chat', tx));
      expect(await served(knex, created.asset.id)).toEqual([v1]);
    });

    it('refuses versions of deleted models and ids that are not model versions', async () => {
      const { knex, store } = await setup();
      const [gone] = await insertModel(knex, 'old', ['1'], 'deleted');
      await expect(store.resolveModelVersion(gone)).rejects.toMatchObject({
        name: 'InputError',
        field: 'modelVersionId',
      });
      await expect(
        store.resolveModelVersion(randomUUID(), knex, 'versions'),
      ).rejects.toMatchObject({ field: 'versions' });
    });

    it('rolls a failed deploy back with its transaction', async () => {
      const { knex, store } = await setup();
      const [v1, v2] = await insertModel(knex, 'bert', ['1', '2']);
      const created = await store.create({
        name: 'chat',
        runtime: 'builtin',
        modelVersionId: v1,
      });
      await expect(
        knex.transaction(async tx => {
          await store.deploy('chat', { modelVersionId: v2 }, tx);
          throw new Error('adapter failed');
        }),
      ).rejects.toThrow('adapter failed');
      const after = await store.get('chat');
      expect(after.desired.traffic).toEqual(created.desired.traffic);
      expect(await served(knex, created.asset.id)).toEqual([v1]);
    });
  },
);
