import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import { readFeed } from '../../__testUtils__/readFeed';
import {
  specCheckedClient,
  type SpecCheckedClient,
} from '../../__testUtils__/specCheckedClient';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const readAll = (api: SpecCheckedClient, path: string, pageSize: number) =>
  readFeed<any>(api, path, pageSize);

describe.each(databases.eachSupportedId())(
  'version feeds API on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const server = await startLlmOpsBackend({ knex });
      return { api: specCheckedClient(server), knex };
    }

    /** Three models with 3, 1 and 2 versions, one of them from a run, one with an alias. */
    async function seedModels(api: SpecCheckedClient) {
      await api.post('/api/llm-ops/v1/experiments', { name: 'finetune' });
      const run = await api.post('/api/llm-ops/v1/runs', {
        experimentId: 'finetune',
      });
      expect(run.status).toBe(201);
      const counts: Record<string, number> = { ranker: 3, tagger: 1, qa: 2 };
      for (const [name, count] of Object.entries(counts)) {
        await api.post('/api/llm-ops/v1/models', { name });
        for (let i = 0; i < count; i++) {
          const v = await api.post(`/api/llm-ops/v1/models/${name}/versions`, {
            artifactUri: `s3://models/${name}/${i}`,
            ...(name === 'qa' ? { sourceRunId: run.body.data.id } : {}),
          });
          expect(v.status).toBe(201);
        }
      }
      await api.put('/api/llm-ops/v1/models/ranker/aliases/champion', {
        version: '2',
      });
      return { counts, runId: run.body.data.id as string };
    }

    it('pages through the versions of every model, grouped by model, newest first', async () => {
      const { api } = await setup();
      const { counts, runId } = await seedModels(api);
      // A dataset version must not show up among model versions.
      await api.post('/api/llm-ops/v1/datasets', { name: 'tickets' });
      await api.post('/api/llm-ops/v1/datasets/tickets/versions', {
        uri: 's3://data/tickets',
      });

      const { items, sizes } = await readAll(
        api,
        '/api/llm-ops/v1/model-versions',
        2,
      );
      expect(sizes).toEqual([2, 2, 2]);
      expect(new Set(items.map(v => v.id)).size).toBe(6);
      // Each model's versions are together (not interleaved), newest first, as the per-model
      // list shows them.
      const blocks = items
        .map(v => v.modelName)
        .filter((name, i, names) => name !== names[i - 1]);
      expect(blocks.sort()).toEqual(Object.keys(counts).sort());
      const byModel = new Map<string, string[]>();
      for (const v of items) {
        byModel.set(v.modelName, [
          ...(byModel.get(v.modelName) ?? []),
          v.version,
        ]);
      }
      for (const [name, count] of Object.entries(counts)) {
        const perModel = await api.get(
          `/api/llm-ops/v1/models/${name}/versions`,
        );
        expect(byModel.get(name)).toEqual(
          perModel.body.data.items.map((v: any) => v.version),
        );
        expect(byModel.get(name)).toHaveLength(count);
      }
      // The same view as the per-model routes: aliases, source run, model id.
      const ranker2 = items.find(
        v => v.modelName === 'ranker' && v.version === '2',
      );
      expect(ranker2).toEqual(
        (await api.get('/api/llm-ops/v1/models/ranker/versions/2')).body.data,
      );
      expect(ranker2.aliases).toEqual(['champion']);
      expect(
        items.filter(v => v.modelName === 'qa').map(v => v.sourceRunId),
      ).toEqual([runId, runId]);
    });

    it('pages through the versions of every dataset with their storage fields', async () => {
      const { api } = await setup();
      await seedModels(api);
      for (const name of ['tickets', 'images']) {
        await api.post('/api/llm-ops/v1/datasets', { name });
        for (const label of ['2024-05', '2024-06']) {
          await api.post(`/api/llm-ops/v1/datasets/${name}/versions`, {
            version: label,
            uri: `s3://data/${name}/${label}`,
            format: 'parquet',
            sourceRepository: {
              repository: 'https://github.com/acme/data',
              path: `${name}.dvc`,
            },
          });
        }
      }
      const { items } = await readAll(
        api,
        '/api/llm-ops/v1/dataset-versions',
        3,
      );
      expect(items).toHaveLength(4);
      for (const name of ['tickets', 'images']) {
        const mine = items.filter(v => v.datasetName === name);
        expect(mine.map(v => v.version)).toEqual(['2024-06', '2024-05']);
        expect(mine[0]).toEqual(
          (await api.get(`/api/llm-ops/v1/datasets/${name}/versions/2024-06`))
            .body.data,
        );
      }
    });

    it('leaves out the versions of deleted models and answers an empty page', async () => {
      const { api } = await setup();
      const empty = await api.get('/api/llm-ops/v1/model-versions');
      expect(empty.body.data).toMatchObject({ items: [], nextCursor: null });
      await seedModels(api);
      await api.delete('/api/llm-ops/v1/models/ranker');
      const { items } = await readAll(
        api,
        '/api/llm-ops/v1/model-versions',
        500,
      );
      expect(items.map(v => v.modelName).sort()).toEqual([
        'qa',
        'qa',
        'tagger',
      ]);
    });

    it('answers 400 to a bad page size or a cursor of another feed', async () => {
      const { api } = await setup();
      await seedModels(api);
      const first = await api.get('/api/llm-ops/v1/model-versions?pageSize=1');
      const cursor = first.body.data.nextCursor;
      expect(cursor).toEqual(expect.any(String));

      const wrongFeed = await api.get(
        `/api/llm-ops/v1/dataset-versions?cursor=${cursor}`,
      );
      expect(wrongFeed.status).toBe(400);
      expect(wrongFeed.body.data.error.field).toBe('cursor');
      const tampered = await api.get(
        `/api/llm-ops/v1/model-versions?cursor=${cursor.slice(0, -2)}xx`,
      );
      expect(tampered.status).toBe(400);
      for (const size of ['0', '501', 'ten']) {
        const res = await api.get(
          `/api/llm-ops/v1/model-versions?pageSize=${size}`,
        );
        expect(res.status).toBe(400);
      }
    });

    it('answers 403 to a user who may not read models or datasets', async () => {
      const { api, knex } = await setup();
      await seedModels(api);
      const denied = specCheckedClient(
        await startLlmOpsBackend({ knex, deny: true }),
      );
      for (const path of ['model-versions', 'dataset-versions']) {
        const res = await denied.get(`/api/llm-ops/v1/${path}`);
        expect(res.status).toBe(403);
        expect(res.body.data.error.name).toBe('NotAllowedError');
        expect(res.body.data.items).toBeUndefined();
      }
    });
  },
);
