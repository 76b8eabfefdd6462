import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { auditedIds } from '../../__testUtils__/auditedIds';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import { specCheckedClient } from '../../__testUtils__/specCheckedClient';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/llm-ops/v1/experiments';

describe.each(databases.eachSupportedId())(
  'experiments API on %s',
  databaseId => {
    async function setup(options: { deny?: boolean } = {}) {
      const knex = await databases.init(databaseId);
      const auditor = mockServices.auditor.mock();
      const server = await startLlmOpsBackend({ knex, auditor, ...options });
      return { api: specCheckedClient(server), knex, auditor, server };
    }

    it('creates, reads by id and by name, updates, soft-deletes and restores', async () => {
      const { api } = await setup();
      const created = await api.post(base, {
        name: 'bert-finetune',
        description: 'Fine-tune BERT on tickets',
        owner: 'group:default/nlp',
        tags: { team: 'nlp', task: 'classification' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'success',
        data: {
          name: 'bert-finetune',
          owner: 'group:default/nlp',
          tags: { team: 'nlp', task: 'classification' },
          lifecycle: 'active',
          source: { integration: 'builtin', externalId: null },
        },
      });
      const { id } = created.body.data;

      expect((await api.get(`${base}/${id}`)).body.data.name).toBe(
        'bert-finetune',
      );
      expect((await api.get(`${base}/bert-finetune`)).body.data.id).toBe(id);

      const renamed = await api.patch(`${base}/${id}`, {
        name: 'bert-finetune-v2',
        tags: { task: '', stage: 'dev' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body.data).toMatchObject({
        name: 'bert-finetune-v2',
        tags: { team: 'nlp', stage: 'dev' },
      });
      expect(renamed.body.data.tags).not.toHaveProperty('task');

      const deleted = await api.delete(`${base}/${id}`);
      expect(deleted.body).toMatchObject({ status: 'success', data: { id } });
      expect((await api.get(`${base}/${id}`)).body.data.lifecycle).toBe(
        'deleted',
      );
      expect((await api.get(base)).body.data.items).toHaveLength(0);
      expect(
        (await api.get(`${base}?lifecycle=deleted`)).body.data.items,
      ).toHaveLength(1);

      const restored = await api.patch(`${base}/${id}`, {
        lifecycle: 'active',
      });
      expect(restored.body.data.lifecycle).toBe('active');
      expect((await api.get(base)).body.data.items).toHaveLength(1);
    });

    it('pages through experiments with a cursor, filtered and sorted', async () => {
      const { api } = await setup();
      for (let i = 0; i < 8; i++) {
        const res = await api.post(base, {
          name: `exp-${String(i).padStart(2, '0')}`,
          owner: i % 2 === 0 ? 'group:default/nlp' : 'group:default/vision',
          tags: { parity: i % 2 === 0 ? 'even' : 'odd' },
        });
        expect(res.status).toBe(201);
      }
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `${base}?pageSize=3&orderBy=-name${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`;
        const page = await api.get(query);
        expect(page.status).toBe(200);
        expect(page.body.data.items.length).toBeLessThanOrEqual(3);
        names.push(...page.body.data.items.map((e: any) => e.name));
        cursor = page.body.data.nextCursor;
      } while (cursor);
      expect(names).toEqual([...names].sort().reverse());
      expect(names).toHaveLength(8);

      const nlp = await api.get(`${base}?owner=group:default/nlp`);
      expect(nlp.body.data.items.map((e: any) => e.name)).toEqual([
        'exp-00',
        'exp-02',
        'exp-04',
        'exp-06',
      ]);
      const odd = await api.get(`${base}?tag=parity=odd&q=EXP-0`);
      expect(odd.body.data.items).toHaveLength(4);
      const percent = await api.get(`${base}?q=%25`);
      expect(percent.body.data.items).toHaveLength(0); // % is data, not a wildcard
      expect(nlp.body.data.freshness).toEqual({
        stale: false,
        degradedIntegrations: [],
      });
    });

    it('answers 409 on a duplicate name, also of a deleted experiment', async () => {
      const { api } = await setup();
      await api.post(base, { name: 'dup' });
      const again = await api.post(base, { name: 'dup' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        status: 'error',
        data: { error: { name: 'ConflictError' } },
      });
      await api.delete(`${base}/dup`);
      expect((await api.post(base, { name: 'dup' })).status).toBe(409);
    });

    it('answers 400 naming the field for bad input, and writes nothing', async () => {
      const { api } = await setup();
      const missing = await api.post(base, { description: 'no name' });
      expect(missing.status).toBe(400);
      expect(missing.body.status).toBe('error');
      expect(missing.body.message).toMatch(/name/);
      const extra = await api.post(base, { name: 'x', color: 'red' });
      expect(extra.status).toBe(400);
      const badType = await api.post(base, { name: 'x', tags: { a: 1 } });
      expect(badType.status).toBe(400);
      expect(badType.body.data.error.field).toMatch(/tags/);
      const badPage = await api.get(`${base}?pageSize=0`);
      expect(badPage.status).toBe(400);
      const badCursor = await api.get(`${base}?cursor=not-a-cursor`);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.data.error.field).toBe('cursor');
      expect((await api.get(base)).body.data.items).toHaveLength(0);
    });

    it('answers 404 for an unknown experiment', async () => {
      const { api } = await setup();
      const res = await api.get(`${base}/nope`);
      expect(res.status).toBe(404);
      expect(res.body.data.error.name).toBe('NotFoundError');
    });

    it('replays a create retried with the same Idempotency-Key', async () => {
      const { api } = await setup();
      const headers = { 'Idempotency-Key': 'create-once-1' };
      const first = await api.post(base, { name: 'once' }, headers);
      const retry = await api.post(base, { name: 'once' }, headers);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body.data.id).toBe(first.body.data.id);

      const raced = await Promise.all(
        [1, 2, 3].map(() =>
          api.post(base, { name: 'raced' }, { 'Idempotency-Key': 'race-1' }),
        ),
      );
      // A duplicate that arrives while the first is in flight is refused (409, retry later);
      // one that arrives after it answered gets the same answer. Either way: one experiment.
      const created = raced.filter(r => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(raced.every(r => r.status === 201 || r.status === 409)).toBe(true);
      expect(new Set(created.map(r => r.body.data.id)).size).toBe(1);
      expect((await api.get(`${base}?q=raced`)).body.data.items).toHaveLength(
        1,
      );
      const retried = await api.post(
        base,
        { name: 'raced' },
        { 'Idempotency-Key': 'race-1' },
      );
      expect(retried.body.data.id).toBe(created[0].body.data.id);

      const reused = await api.post(base, { name: 'other' }, headers);
      expect(reused.status).toBe(409);
      expect((await api.get(`${base}?q=other`)).body.data.items).toHaveLength(
        0,
      );
    });

    it('audits creates, updates and deletes', async () => {
      const { api, auditor } = await setup();
      const created = await api.post(base, { name: 'audited' });
      await api.patch(`${base}/audited`, { description: 'x' });
      await api.delete(`${base}/audited`);
      const eventIds = auditor.createEvent.mock.calls.map(
        ([options]) => options.eventId,
      );
      expect(eventIds).toEqual([
        'experiment-create',
        'experiment-update',
        'experiment-delete',
      ]);
      // Each success names the experiment it wrote.
      const id = created.body.data.id;
      expect(await auditedIds(auditor)).toEqual([id, id, id]);
    });

    it('answers 403 to a denied user and changes nothing', async () => {
      const { knex } = await setup();
      const allowed = specCheckedClient(await startLlmOpsBackend({ knex }));
      await allowed.post(base, { name: 'kept' });

      const denied = specCheckedClient(
        await startLlmOpsBackend({ knex, deny: true }),
      );
      const create = await denied.post(base, { name: 'sneaky' });
      expect(create.status).toBe(403);
      expect(create.body).toMatchObject({
        status: 'error',
        data: { error: { name: 'NotAllowedError' } },
      });
      expect(
        (await denied.patch(`${base}/kept`, { name: 'renamed' })).status,
      ).toBe(403);
      expect((await denied.delete(`${base}/kept`)).status).toBe(403);
      expect((await denied.get(base)).status).toBe(403);

      const after = await allowed.get(base);
      expect(after.body.data.items.map((e: any) => e.name)).toEqual(['kept']);
    });

    it('accepts a service token and refuses none', async () => {
      const { server } = await setup();
      const service = specCheckedClient(
        server,
        mockCredentials.service.header(),
      );
      expect((await service.post(base, { name: 'from-ci' })).status).toBe(201);
    });
  },
);
