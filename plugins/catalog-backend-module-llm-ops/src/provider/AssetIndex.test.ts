import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  startBackend,
} from '../__testUtils__/llmOpsBackend';
import { AssetIndex } from './AssetIndex';
import { LlmOpsApiClient } from './LlmOpsApiClient';
import type { AssetLinks } from './read';

jest.setTimeout(120_000);

const databases = createTestDatabases();

/** consumes and produces in a stable order, to compare two ways of computing them. */
function relationsOf(links: AssetLinks) {
  const sorted = (list: AssetLinks['consumes']) =>
    list && [...list].sort((a, b) => a.id.localeCompare(b.id));
  return {
    consumes: sorted(links.consumes),
    produces: sorted(links.produces),
  };
}

describe.each(databases.eachSupportedId())('AssetIndex on %s', databaseId => {
  it('loads the lineage of every pipeline from the store-wide edge list, as per-pipeline lineage would give it', async () => {
    const knex = await databases.init(databaseId);
    const { server, api } = await startBackend({ knex });

    // train: run 1 used tickets@1, ran a run of `finetune` and produced ranker@1; run 2 used
    // tickets@2, ran a run of a deleted experiment and one the store never got. ingest: its
    // run produced tickets@2. idle: no runs.
    const tickets = await api.post('/v1/datasets', { name: 'tickets' });
    const tickets1 = await api.post(`/v1/datasets/${tickets.id}/versions`, {
      version: '1',
      uri: 's3://data/tickets/1',
    });
    const tickets2 = await api.post(`/v1/datasets/${tickets.id}/versions`, {
      version: '2',
      uri: 's3://data/tickets/2',
    });
    const ranker = await api.post('/v1/models', { name: 'ranker' });
    const ranker1 = await api.post(`/v1/models/${ranker.id}/versions`, {
      artifactUri: 's3://models/ranker/1',
    });
    const finetune = await api.post('/v1/experiments', { name: 'finetune' });
    const finetuneRun = await api.post('/v1/runs', {
      experimentId: finetune.id,
    });
    const old = await api.post('/v1/experiments', { name: 'old' });
    const oldRun = await api.post('/v1/runs', { experimentId: old.id });
    await api.delete(`/v1/experiments/${old.id}`);
    const pipelines: Record<string, { id: string }> = {};
    for (const name of ['train', 'ingest', 'idle']) {
      pipelines[name] = await api.post('/v1/pipelines', {
        name,
        runtime: 'builtin',
      });
    }
    const link = async (pipeline: string, links: object) => {
      const run = await api.post(`/v1/pipelines/${pipeline}/runs`, {});
      await api.post(`/v1/pipeline-runs/${run.id}/links`, links);
      return run;
    };
    await link('train', {
      used: [tickets1.id],
      ran: [finetuneRun.id],
      produced: [ranker1.id],
    });
    const train2 = await link('train', {
      used: [tickets2.id],
      ran: [oldRun.id],
    });
    // As an orchestration integration records it, for a run the store never got.
    await knex('lineage_edges').insert({
      from_type: 'pipeline-run',
      from_id: train2.id,
      relation: 'ran',
      to_type: 'run',
      to_id: randomUUID(),
      created_at: Date.now(),
    });
    await link('ingest', { produced: [tickets2.id] });

    const requests: string[] = [];
    const { port } = server.address() as AddressInfo;
    const baseUrl = `http://localhost:${port}/api/llm-ops`;
    const client = new LlmOpsApiClient({
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
      auth: mockServices.auth(),
      onRequest: (method, path) => requests.push(`${method} ${path}`),
    });
    const index = await AssetIndex.load(client, mockServices.logger.mock());

    // No lineage graph per pipeline and no run read on its own: one page of edges for all.
    expect(requests.filter(r => r.includes('/v1/lineage/'))).toEqual([]);
    expect(requests.filter(r => r.startsWith('GET /v1/runs/'))).toEqual([]);
    expect(
      requests.filter(r => r.startsWith('GET /v1/pipeline-run-edges?')),
    ).toHaveLength(1);

    const linksOf = async (name: string) =>
      relationsOf(await index.linksOf(index.assets.get(pipelines[name].id)!));
    const fullLoad = {
      train: await linksOf('train'),
      ingest: await linksOf('ingest'),
      idle: await linksOf('idle'),
    };
    expect(fullLoad).toEqual({
      train: {
        consumes: [{ kind: 'dataset', id: tickets.id }],
        produces: relationsOf({
          produces: [
            { kind: 'experiment', id: finetune.id },
            { kind: 'model', id: ranker.id },
          ],
        }).produces,
      },
      ingest: { consumes: [], produces: [{ kind: 'dataset', id: tickets.id }] },
      idle: { consumes: [], produces: [] },
    });
    expect(requests.filter(r => r.startsWith('GET /v1/runs/'))).toEqual([]);

    // A delta reads one pipeline's own lineage graph: the same relations.
    for (const name of ['train', 'ingest', 'idle'] as const) {
      await index.refresh(index.assets.get(pipelines[name].id)!);
      expect(await linksOf(name)).toEqual(fullLoad[name]);
    }
    expect(
      requests.filter(r => r.startsWith('GET /v1/lineage/pipeline/')),
    ).toHaveLength(3);
  });
});
