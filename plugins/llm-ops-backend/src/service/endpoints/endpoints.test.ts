import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import { specCheckedClient } from '../../__testUtils__/specCheckedClient';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/llm-ops/v1/endpoints';

/** A model (or dataset) asset with versions, written directly like the models API would. */
async function insertVersions(
  knex: Knex,
  name: string,
  labels: string[],
  kind: 'model' | 'dataset' = 'model',
): Promise<string[]> {
  const now = Date.now();
  const assetId = randomUUID();
  await knex('assets').insert({
    id: assetId,
    kind,
    name,
    lifecycle: 'active',
    spec: '{}',
    status: '{}',
    created_at: now,
    updated_at: now,
  });
  const ids: string[] = [];
  for (const [i, label] of labels.entries()) {
    const id = randomUUID();
    await knex('versions').insert({
      id,
      asset_id: assetId,
      version: label,
      spec: '{}',
      created_at: now + i,
      updated_at: now + i,
    });
    ids.push(id);
  }
  return ids;
}

async function servedVersions(knex: Knex, endpointId: string) {
  const rows = await knex('lineage_edges')
    .where({ from_id: endpointId, relation: 'serves' })
    .select('from_type', 'to_type', 'to_id');
  for (const row of rows) {
    expect(row).toMatchObject({
      from_type: 'endpoint',
      to_type: 'model-version',
    });
  }
  return rows.map(r => r.to_id).sort();
}

describe.each(databases.eachSupportedId())(
  'endpoints API on %s',
  databaseId => {
    async function setup(options: { deny?: boolean } = {}) {
      const knex = await databases.init(databaseId);
      const auditor = mockServices.auditor.mock();
      const server = await startLlmOpsBackend({ knex, auditor, ...options });
      const [v1, v2, v3] = await insertVersions(knex, 'bert', ['1', '2', '3']);
      return { api: specCheckedClient(server), knex, auditor, v1, v2, v3 };
    }

    it('creates, reads by id and by name, updates and hard-deletes an endpoint', async () => {
      const { api, knex, v1 } = await setup();
      const created = await api.post(base, {
        name: 'chat',
        description: 'Chat completions',
        owner: 'group:default/nlp',
        tags: { team: 'nlp' },
        runtime: 'builtin',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'success',
        data: {
          name: 'chat',
          runtime: 'builtin',
          cluster: null,
          namespace: null,
          url: null,
          tags: { team: 'nlp' },
          source: { integration: 'builtin' },
          desired: { traffic: [], minReplicas: 1, maxReplicas: 1 },
          observed: {
            state: 'NotReady',
            conditions: [{ type: 'Ready', status: 'False' }],
            traffic: [],
          },
        },
      });
      const { id } = created.body.data;
      expect((await api.get(`${base}/chat`)).body.data.id).toBe(id);
      expect((await api.get(`${base}/${id}`)).body.data.name).toBe('chat');

      const patched = await api.patch(`${base}/chat`, {
        minReplicas: 2,
        maxReplicas: 4,
        url: 'https://chat.example.com',
        tags: { stage: 'prod' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({
        url: 'https://chat.example.com',
        tags: { team: 'nlp', stage: 'prod' },
        desired: { minReplicas: 2, maxReplicas: 4 },
      });

      await api.post(`${base}/chat/deploy`, { modelVersionId: v1 });
      expect(await servedVersions(knex, id)).toEqual([v1]);

      const deleted = await api.delete(`${base}/chat`);
      expect(deleted.body).toMatchObject({ status: 'success', data: { id } });
      expect((await api.get(`${base}/chat`)).status).toBe(404);
      expect(await servedVersions(knex, id)).toEqual([]);
      expect((await knex('assets').where({ id })).length).toBe(0);
      expect((await api.delete(`${base}/chat`)).status).toBe(404);
    });

    it('deploys a stable version, splits 90/10 for a canary, promotes it, and keeps lineage equal to the traffic', async () => {
      const { api, knex, v1, v2 } = await setup();
      const { id } = (
        await api.post(base, { name: 'chat', runtime: 'builtin' })
      ).body.data;

      const stable = await api.post(`${base}/chat/deploy`, {
        modelVersionId: v1,
      });
      expect(stable.status).toBe(200);
      expect(stable.body.data.desired.traffic).toEqual([
        {
          modelVersionId: v1,
          modelName: 'bert',
          version: '1',
          percent: 100,
          role: 'stable',
        },
      ]);
      expect(stable.body.data.observed).toMatchObject({
        state: 'Ready',
        conditions: [{ type: 'Ready', status: 'True' }],
        traffic: stable.body.data.desired.traffic,
        latestReadyRevision: 'chat-00001',
      });
      expect(await servedVersions(knex, id)).toEqual([v1]);

      const canary = await api.post(`${base}/${id}/deploy`, {
        modelVersionId: v2,
        canaryPercent: 10,
      });
      expect(canary.status).toBe(200);
      expect(
        canary.body.data.desired.traffic.map((e: any) => [
          e.version,
          e.percent,
          e.role,
        ]),
      ).toEqual([
        ['1', 90, 'stable'],
        ['2', 10, 'canary'],
      ]);
      expect(canary.body.data.observed.traffic).toEqual(
        canary.body.data.desired.traffic,
      );
      expect(await servedVersions(knex, id)).toEqual([v1, v2].sort());

      const promoted = await api.post(`${base}/chat/promote`);
      expect(promoted.status).toBe(200);
      expect(promoted.body.data.desired.traffic).toEqual([
        {
          modelVersionId: v2,
          modelName: 'bert',
          version: '2',
          percent: 100,
          role: 'stable',
        },
      ]);
      expect(promoted.body.data.observed).toMatchObject({
        state: 'Ready',
        latestRolledOutRevision: 'chat-00003',
      });
      expect(await servedVersions(knex, id)).toEqual([v2]);
      expect((await api.get(`${base}/chat`)).body.data.desired).toEqual(
        promoted.body.data.desired,
      );
    });

    it('rolls a canary back to the stable version', async () => {
      const { api, knex, v1, v2 } = await setup();
      const { id } = (
        await api.post(base, {
          name: 'chat',
          runtime: 'builtin',
          modelVersionId: v1,
        })
      ).body.data;
      expect(await servedVersions(knex, id)).toEqual([v1]);
      await api.post(`${base}/chat/deploy`, {
        modelVersionId: v2,
        canaryPercent: 25,
      });
      const rolledBack = await api.post(`${base}/chat/rollback`);
      expect(rolledBack.status).toBe(200);
      expect(rolledBack.body.data.desired.traffic).toEqual([
        expect.objectContaining({ modelVersionId: v1, percent: 100 }),
      ]);
      expect(await servedVersions(knex, id)).toEqual([v1]);
    });

    it('answers 409 for canaries without a stable version or of the stable one, and for promote or rollback without a canary', async () => {
      const { api, knex, v1, v2 } = await setup();
      const { id } = (
        await api.post(base, { name: 'chat', runtime: 'builtin' })
      ).body.data;
      const noStable = await api.post(`${base}/chat/deploy`, {
        modelVersionId: v1,
        canaryPercent: 10,
      });
      expect(noStable.status).toBe(409);
      expect(noStable.body.data.error.name).toBe('ConflictError');

      await api.post(`${base}/chat/deploy`, { modelVersionId: v1 });
      const sameAsStable = await api.post(`${base}/chat/deploy`, {
        modelVersionId: v1,
        canaryPercent: 10,
      });
      expect(sameAsStable.status).toBe(409);
      expect((await api.post(`${base}/chat/promote`)).status).toBe(409);
      expect((await api.post(`${base}/chat/rollback`)).status).toBe(409);

      const after = (await api.get(`${base}/chat`)).body.data;
      expect(after.desired.traffic).toEqual([
        expect.objectContaining({ modelVersionId: v1, percent: 100 }),
      ]);
      expect(await servedVersions(knex, id)).toEqual([v1]);
      expect(v2).toBeDefined();
    });

    it('leaves the observed state of kserve endpoints to the integration', async () => {
      const { api, v1 } = await setup();
      const created = await api.post(base, {
        name: 'llama',
        runtime: 'kserve',
        cluster: 'east',
        namespace: 'serving',
        minReplicas: 0,
        maxReplicas: 3,
      });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        cluster: 'east',
        namespace: 'serving',
        desired: { minReplicas: 0, maxReplicas: 3 },
        observed: { state: 'Unknown', conditions: [], traffic: [] },
      });
      const deployed = await api.post(`${base}/llama/deploy`, {
        modelVersionId: v1,
      });
      expect(deployed.body.data.desired.traffic).toHaveLength(1);
      expect(deployed.body.data.observed).toMatchObject({
        state: 'Unknown',
        traffic: [],
        observedAt: null,
      });
    });

    it('answers 400 naming the field for bad names, percents, replicas and unknown versions, and writes nothing', async () => {
      const { api, knex, v1 } = await setup();
      for (const name of ['Chat', '-chat', 'chat-', 'a'.repeat(64), 'chat_1']) {
        const res = await api.post(base, { name, runtime: 'builtin' });
        expect(res.status).toBe(400);
        expect(res.body.data.error.field).toBe('name');
      }
      const badRuntime = await api.post(base, { name: 'x', runtime: 'docker' });
      expect(badRuntime.status).toBe(400);
      expect(badRuntime.body.data.error.field).toBe('runtime');
      const tooMany = await api.post(base, {
        name: 'x',
        runtime: 'builtin',
        maxReplicas: 101,
      });
      expect(tooMany.body.data.error.field).toBe('maxReplicas');
      const minOverMax = await api.post(base, {
        name: 'x',
        runtime: 'builtin',
        minReplicas: 3,
        maxReplicas: 2,
      });
      expect(minOverMax.status).toBe(400);
      expect(minOverMax.body.data.error.field).toBe('minReplicas');
      const longTag = await api.post(base, {
        name: 'x',
        runtime: 'builtin',
        tags: { ['k'.repeat(251)]: 'v' },
      });
      expect(longTag.status).toBe(400);
      expect(longTag.body.data.error.field).toBe('tags');
      const unknownAtCreate = await api.post(base, {
        name: 'x',
        runtime: 'builtin',
        modelVersionId: randomUUID(),
      });
      expect(unknownAtCreate.status).toBe(400);
      expect(unknownAtCreate.body.data.error.field).toBe('modelVersionId');
      expect((await api.get(base)).body.data.items).toHaveLength(0);

      const { id } = (
        await api.post(base, {
          name: 'chat',
          runtime: 'builtin',
          modelVersionId: v1,
        })
      ).body.data;
      const [datasetVersion] = await insertVersions(
        knex,
        'tickets',
        ['v1'],
        'dataset',
      );
      for (const modelVersionId of [
        randomUUID(),
        'not-an-id',
        datasetVersion,
      ]) {
        const res = await api.post(`${base}/chat/deploy`, { modelVersionId });
        expect(res.status).toBe(400);
        expect(res.body.data.error.field).toBe('modelVersionId');
      }
      for (const canaryPercent of [0, 100, 50.5]) {
        const res = await api.post(`${base}/chat/deploy`, {
          modelVersionId: v1,
          canaryPercent,
        });
        expect(res.status).toBe(400);
        expect(res.body.data.error.field).toBe('canaryPercent');
      }
      const missing = await api.post(`${base}/chat/deploy`, {});
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/modelVersionId/);
      const badPatch = await api.patch(`${base}/chat`, { minReplicas: 5 });
      expect(badPatch.status).toBe(400);
      expect(badPatch.body.data.error.field).toBe('minReplicas');
      expect(
        (await api.patch(`${base}/chat`, { runtime: 'kserve' })).status,
      ).toBe(400);

      const after = (await api.get(`${base}/chat`)).body.data;
      expect(after.desired).toEqual({
        traffic: [
          expect.objectContaining({ modelVersionId: v1, percent: 100 }),
        ],
        minReplicas: 1,
        maxReplicas: 1,
      });
      expect(await servedVersions(knex, id)).toEqual([v1]);
    });

    it('answers 404 for unknown endpoints and 409 for a duplicate name', async () => {
      const { api, v1 } = await setup();
      expect((await api.get(`${base}/nope`)).status).toBe(404);
      expect(
        (await api.post(`${base}/nope/deploy`, { modelVersionId: v1 })).status,
      ).toBe(404);
      expect((await api.post(`${base}/nope/promote`)).status).toBe(404);
      await api.post(base, { name: 'dup', runtime: 'builtin' });
      const again = await api.post(base, { name: 'dup', runtime: 'kserve' });
      expect(again.status).toBe(409);
    });

    it('pages through endpoints with a cursor, filtered and sorted', async () => {
      const { api } = await setup();
      for (let i = 0; i < 7; i++) {
        await api.post(base, {
          name: `ep-${i}`,
          runtime: i % 2 === 0 ? 'builtin' : 'kserve',
          owner: i % 2 === 0 ? 'group:default/a' : 'group:default/b',
          tags: { parity: i % 2 === 0 ? 'even' : 'odd' },
        });
      }
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await api.get(
          `${base}?pageSize=3&orderBy=-name${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        );
        expect(page.status).toBe(200);
        expect(page.body.data.items.length).toBeLessThanOrEqual(3);
        names.push(...page.body.data.items.map((e: any) => e.name));
        cursor = page.body.data.nextCursor;
      } while (cursor);
      expect(names).toEqual([
        'ep-6',
        'ep-5',
        'ep-4',
        'ep-3',
        'ep-2',
        'ep-1',
        'ep-0',
      ]);
      const owned = await api.get(`${base}?owner=group:default/b`);
      expect(owned.body.data.items.map((e: any) => e.name)).toEqual([
        'ep-1',
        'ep-3',
        'ep-5',
      ]);
      const tagged = await api.get(`${base}?tag=parity=even&q=EP-`);
      expect(tagged.body.data.items).toHaveLength(4);
      expect(tagged.body.data.freshness).toEqual({
        stale: false,
        degradedIntegrations: [],
      });
      expect((await api.get(`${base}?lifecycle=all`)).status).toBe(400);
    });

    it('replays a create retried with the same Idempotency-Key', async () => {
      const { api } = await setup();
      const headers = { 'Idempotency-Key': 'ep-once' };
      const body = { name: 'once', runtime: 'builtin' };
      const first = await api.post(base, body, headers);
      const retry = await api.post(base, body, headers);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body.data.id).toBe(first.body.data.id);
    });

    it('audits every mutation', async () => {
      const { api, auditor, v1, v2 } = await setup();
      await api.post(base, { name: 'chat', runtime: 'builtin' });
      await api.patch(`${base}/chat`, { description: 'x' });
      await api.post(`${base}/chat/deploy`, { modelVersionId: v1 });
      await api.post(`${base}/chat/deploy`, {
        modelVersionId: v2,
        canaryPercent: 10,
      });
      await api.post(`${base}/chat/promote`);
      await api.post(`${base}/chat/deploy`, {
        modelVersionId: v1,
        canaryPercent: 10,
      });
      await api.post(`${base}/chat/rollback`);
      await api.delete(`${base}/chat`);
      const eventIds = auditor.createEvent.mock.calls.map(
        ([options]) => options.eventId,
      );
      expect(eventIds).toEqual([
        'endpoint-create',
        'endpoint-update',
        'endpoint-deploy',
        'endpoint-deploy',
        'endpoint-promote',
        'endpoint-deploy',
        'endpoint-rollback',
        'endpoint-delete',
      ]);
    });

    it('answers 403 to a denied user and changes nothing', async () => {
      const { api: allowed, knex, v1, v2 } = await setup();
      const { id } = (
        await allowed.post(base, {
          name: 'kept',
          runtime: 'builtin',
          modelVersionId: v1,
        })
      ).body.data;
      await allowed.post(`${base}/kept/deploy`, {
        modelVersionId: v2,
        canaryPercent: 10,
      });
      const before = (await allowed.get(`${base}/kept`)).body.data;

      const denied = specCheckedClient(
        await startLlmOpsBackend({ knex, deny: true }),
      );
      const attempts = [
        await denied.get(base),
        await denied.get(`${base}/kept`),
        await denied.post(base, { name: 'sneaky', runtime: 'builtin' }),
        await denied.patch(`${base}/kept`, { description: 'changed' }),
        await denied.post(`${base}/kept/deploy`, { modelVersionId: v2 }),
        await denied.post(`${base}/kept/promote`),
        await denied.post(`${base}/kept/rollback`),
        await denied.delete(`${base}/kept`),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({
          status: 'error',
          data: { error: { name: 'NotAllowedError' } },
        });
      }
      const after = (await allowed.get(`${base}/kept`)).body.data;
      expect(after).toEqual(before);
      expect(await servedVersions(knex, id)).toEqual([v1, v2].sort());
      expect(
        (await allowed.get(base)).body.data.items.map((e: any) => e.name),
      ).toEqual(['kept']);
    });
  },
);
