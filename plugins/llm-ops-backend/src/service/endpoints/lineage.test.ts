import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import { specCheckedClient } from '../../__testUtils__/specCheckedClient';
import { addLineageEdges } from '../../database/lineage';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const v1 = '/api/llm-ops/v1';

async function asset(knex: Knex, kind: string, name: string) {
  const id = randomUUID();
  const now = Date.now();
  await knex('assets').insert({
    id,
    kind,
    name,
    lifecycle: 'active',
    created_at: now,
    updated_at: now,
  });
  return id;
}

async function version(knex: Knex, assetId: string, label: string) {
  const id = randomUUID();
  const now = Date.now();
  await knex('versions').insert({
    id,
    asset_id: assetId,
    version: label,
    created_at: now,
    updated_at: now,
  });
  return id;
}

describe.each(databases.eachSupportedId())('lineage API on %s', databaseId => {
  it('walks dataset -> pipeline run -> run -> model version -> endpoint both ways', async () => {
    const knex = await databases.init(databaseId);
    const api = specCheckedClient(await startLlmOpsBackend({ knex }));

    const dataset = await asset(knex, 'dataset', 'tickets');
    const datasetV1 = await version(knex, dataset, '2024-06');
    const model = await asset(knex, 'model', 'ticket-classifier');
    const modelV3 = await version(knex, model, '3');
    const endpoint = await asset(knex, 'endpoint', 'classifier-prod');
    const pipeline = await asset(knex, 'pipeline', 'fine-tune');
    const pipelineRun = randomUUID();
    const now = Date.now();
    await knex('pipeline_runs').insert({
      id: pipelineRun,
      pipeline_id: pipeline,
      name: 'fine-tune-x7k2',
      phase: 'Succeeded',
      created_at: now,
      updated_at: now,
    });
    await api.post(`${v1}/experiments`, { name: 'tickets-ft' });
    const run = (
      await api.post(`${v1}/runs`, { experimentId: 'tickets-ft', name: 'ft-1' })
    ).body.data;

    // The run's input is recorded through the API; the other edges as the integrations would.
    expect(
      (
        await api.post(`${v1}/runs/${run.id}/inputs`, {
          datasetVersionIds: [datasetV1],
        })
      ).status,
    ).toBe(200);
    await addLineageEdges(knex, [
      {
        fromType: 'pipeline-run',
        fromId: pipelineRun,
        relation: 'used',
        toType: 'dataset-version',
        toId: datasetV1,
      },
      {
        fromType: 'pipeline-run',
        fromId: pipelineRun,
        relation: 'ran',
        toType: 'run',
        toId: run.id,
      },
      {
        fromType: 'run',
        fromId: run.id,
        relation: 'produced',
        toType: 'model-version',
        toId: modelV3,
      },
      {
        fromType: 'endpoint',
        fromId: endpoint,
        relation: 'serves',
        toType: 'model-version',
        toId: modelV3,
      },
    ]);

    const ofVersion = await api.get(`${v1}/lineage/model-version/${modelV3}`);
    expect(ofVersion.status).toBe(200);
    const byId = new Map(ofVersion.body.data.nodes.map((n: any) => [n.id, n]));
    expect(byId.get(modelV3)).toMatchObject({
      direction: 'root',
      label: 'ticket-classifier v3',
    });
    expect(byId.get(run.id)).toMatchObject({
      direction: 'upstream',
      distance: 1,
      label: 'ft-1',
    });
    expect(byId.get(datasetV1)).toMatchObject({
      direction: 'upstream',
      distance: 2,
      label: 'tickets@2024-06',
    });
    expect(byId.get(pipelineRun)).toMatchObject({
      direction: 'upstream',
      distance: 2,
    });
    expect(byId.get(endpoint)).toMatchObject({
      direction: 'downstream',
      distance: 1,
      label: 'classifier-prod',
    });
    expect(ofVersion.body.data.edges).toEqual(
      expect.arrayContaining([
        { from: datasetV1, to: run.id, relation: 'used' },
        { from: run.id, to: modelV3, relation: 'produced' },
        { from: modelV3, to: endpoint, relation: 'serves' },
        { from: pipelineRun, to: run.id, relation: 'ran' },
      ]),
    );

    // From the dataset (an asset, expanded to its versions) everything is downstream.
    const ofDataset = await api.get(`${v1}/lineage/dataset/tickets`);
    const downstream = ofDataset.body.data.nodes
      .filter((n: any) => n.direction === 'downstream')
      .map((n: any) => n.type);
    expect(downstream).toEqual(
      expect.arrayContaining([
        'dataset-version',
        'run',
        'model-version',
        'endpoint',
        'pipeline-run',
      ]),
    );
    expect(
      ofDataset.body.data.nodes.some((n: any) => n.direction === 'upstream'),
    ).toBe(false);

    // Depth limits the walk.
    const shallow = await api.get(
      `${v1}/lineage/endpoint/classifier-prod?depth=1`,
    );
    expect(shallow.body.data.nodes.map((n: any) => n.id).sort()).toEqual(
      [endpoint, modelV3].sort(),
    );

    expect((await api.get(`${v1}/lineage/run/${randomUUID()}`)).status).toBe(
      404,
    );
    expect((await api.get(`${v1}/lineage/galaxy/x`)).status).toBe(400);
  });
});
