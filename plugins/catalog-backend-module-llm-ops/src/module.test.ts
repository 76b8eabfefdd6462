import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogModuleLlmOps } from './module';

jest.setTimeout(120_000);

const dataset = {
  apiVersion: 'llm-ops.io/v1alpha1',
  kind: 'Dataset',
  metadata: { name: 'support-tickets' },
  spec: { owner: 'group:default/data' },
};
const experiment = {
  apiVersion: 'llm-ops.io/v1alpha1',
  kind: 'Experiment',
  metadata: { name: 'support-bot-finetune' },
  spec: { owner: 'group:default/nlp', trainedOn: ['support-tickets'] },
};
const modelWithoutOwner = {
  apiVersion: 'llm-ops.io/v1alpha1',
  kind: 'Model',
  metadata: { name: 'broken-model' },
  spec: { lifecycle: 'production' },
};
const endpointServingADataset = {
  apiVersion: 'llm-ops.io/v1alpha1',
  kind: 'Endpoint',
  metadata: { name: 'broken-endpoint' },
  spec: {
    owner: 'group:default/ml-platform',
    serves: ['dataset:support-tickets'],
  },
};
// YAML is a superset of JSON: one document per entity.
const entities = [
  dataset,
  experiment,
  modelWithoutOwner,
  endpointServingADataset,
]
  .map(e => JSON.stringify(e))
  .join('\n---\n');

describe('catalogModuleLlmOps in the real catalog', () => {
  it('catalogs hand-written entities of the new kinds, with relations, and fails only the invalid ones', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-ops-catalog-'));
    const file = path.join(dir, 'catalog-info.yaml');
    fs.writeFileSync(file, entities);
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleLlmOps,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                {
                  allow: [
                    'Experiment',
                    'Model',
                    'Endpoint',
                    'Dataset',
                    'Pipeline',
                    'Location',
                  ],
                },
              ],
              locations: [{ type: 'file', target: file }],
              processingInterval: { seconds: 1 },
              providers: { llmOps: { deltaFrequency: 0 } },
            },
          },
        }),
        // The provider's schedule never fires here: only hand-written entities are tested.
        mockServices.scheduler.mock({
          createScheduledTaskRunner: () => ({ run: jest.fn() }),
          scheduleTask: jest.fn(),
        }).factory,
      ],
    });
    const get = (url: string) =>
      request(server)
        .get(url)
        .set('Authorization', mockCredentials.user.header());

    let experimentEntity: any;
    let datasetEntity: any;
    for (let i = 0; i < 100; i++) {
      experimentEntity = (
        await get(
          '/api/catalog/entities/by-name/experiment/default/support-bot-finetune',
        )
      ).body;
      datasetEntity = (
        await get(
          '/api/catalog/entities/by-name/dataset/default/support-tickets',
        )
      ).body;
      if (
        experimentEntity?.relations?.some((r: any) => r.type === 'trainedOn') &&
        datasetEntity?.relations?.some((r: any) => r.type === 'trainingDataOf')
      ) {
        break;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    expect(experimentEntity.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/nlp' },
        { type: 'trainedOn', targetRef: 'dataset:default/support-tickets' },
      ]),
    );
    expect(datasetEntity.relations).toEqual(
      expect.arrayContaining([
        {
          type: 'trainingDataOf',
          targetRef: 'experiment:default/support-bot-finetune',
        },
      ]),
    );

    // The invalid ones never reach the catalog; each has its own, clear processing error.
    const model = await get(
      '/api/catalog/entities/by-name/model/default/broken-model',
    );
    const endpoint = await get(
      '/api/catalog/entities/by-name/endpoint/default/broken-endpoint',
    );
    expect(model.status).toBe(404);
    expect(endpoint.status).toBe(404);
    // The same entities through the validate-entity endpoint: each has its own, clear error.
    const validate = (entity: object) =>
      request(server)
        .post('/api/catalog/validate-entity')
        .set('Authorization', mockCredentials.user.header())
        .send({
          entity,
          location: 'url:https://example.com/catalog-info.yaml',
        });
    const modelErrors = await validate(modelWithoutOwner);
    expect(modelErrors.status).toBe(400);
    expect(JSON.stringify(modelErrors.body)).toMatch(/owner/);
    const endpointErrors = await validate(endpointServingADataset);
    expect(endpointErrors.status).toBe(400);
    expect(JSON.stringify(endpointErrors.body)).toMatch(
      /spec\.serves refers to 'dataset:support-tickets', but it must be a reference to Model/,
    );
    const valid = await validate(experiment);
    expect(valid.status).toBe(200);
  });
});
