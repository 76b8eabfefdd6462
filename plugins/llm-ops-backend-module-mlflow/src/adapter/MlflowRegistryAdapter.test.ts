import type { RegisteredModelRecord } from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  closedPort,
  describeWithMlflow,
  mlflowUrl,
  rejection,
  sleep,
  uniquePrefix,
} from '../__testUtils__/mlflow';
import { MlflowApiError, MlflowClient, MlflowRequestError } from '../client';
import { MlflowRegistryAdapter } from './MlflowRegistryAdapter';
import { MlflowTrackingAdapter } from './MlflowTrackingAdapter';

jest.setTimeout(60_000);

const prefix = uniquePrefix('registry');

describeWithMlflow('MlflowRegistryAdapter against a real MLflow server', () => {
  let client: MlflowClient;
  let registry: MlflowRegistryAdapter;
  let tracking: MlflowTrackingAdapter;
  beforeAll(() => {
    client = new MlflowClient({ baseUrl: mlflowUrl!, timeoutMs: 20_000 });
    const options = {
      instanceId: 'test',
      client,
      uiBaseUrl: 'https://mlflow.example.com',
    };
    registry = new MlflowRegistryAdapter(options);
    tracking = new MlflowTrackingAdapter(options);
  });

  async function listAll(updatedSince?: number) {
    const all: RegisteredModelRecord[] = [];
    let pageToken: string | undefined;
    do {
      const page = await registry.listModels({ updatedSince, pageToken });
      all.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return all;
  }

  it('shares its id with the tracking adapter of the same instance', () => {
    expect(registry.id).toBe('mlflow:test');
    expect(registry.id).toBe(tracking.id);
    expect(registry.category).toBe('model-registry');
    expect([...registry.capabilities].sort()).toEqual(['aliases', 'write']);
  });

  it('registers a model and a version from a run, and moves an alias', async () => {
    const experiment = await tracking.createExperiment({
      llmOpsId: 'exp-registry',
      name: `${prefix}-experiment`,
    });
    const run = await tracking.createRun({
      llmOpsId: 'run-registry',
      experimentExternalId: experiment.externalId,
    });
    const name = `${prefix}-qa model`;

    const model = await registry.createModel({
      llmOpsId: 'model-1',
      name,
      description: 'answers questions',
      tags: { task: 'qa' },
    });
    expect(model).toEqual({
      externalId: name,
      url: `https://mlflow.example.com/#/models/${encodeURIComponent(name)}`,
    });
    // A replay returns the same model; someone else's model of that name is a conflict.
    expect(await registry.createModel({ llmOpsId: 'model-1', name })).toEqual(
      model,
    );
    const taken = await rejection(
      registry.createModel({ llmOpsId: 'model-2', name }),
    );
    expect(taken).toBeInstanceOf(MlflowApiError);
    expect(taken).toMatchObject({
      status: 409,
      errorCode: 'RESOURCE_ALREADY_EXISTS',
    });

    const v1 = await registry.createVersion({
      modelName: name,
      artifactUri: `runs:/${run.externalId}/model`,
      sourceRunExternalId: run.externalId,
      description: 'first',
      tags: { quantized: 'no' },
    });
    expect(v1).toEqual({
      externalId: `${name}/1`,
      modelName: name,
      version: '1',
      description: 'first',
      sourceRunExternalId: run.externalId,
      artifactUri: `runs:/${run.externalId}/model`,
      status: 'READY',
      tags: { quantized: 'no' },
      aliases: [],
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      url: `https://mlflow.example.com/#/models/${encodeURIComponent(
        name,
      )}/versions/1`,
    });
    const v2 = await registry.createVersion({
      modelName: name,
      artifactUri: 's3://models/qa/2',
    });
    expect(v2).toMatchObject({ version: '2', artifactUri: 's3://models/qa/2' });
    expect(v2).not.toHaveProperty('sourceRunExternalId');
    expect(v2).not.toHaveProperty('description');

    await registry.setAlias(name, 'champion', '1');
    await registry.setAlias(name, 'challenger', '2');
    await registry.setAlias(name, 'champion', '2');
    const versions = await registry.listVersions(name);
    expect(versions.nextPageToken).toBeUndefined();
    expect(versions.items.map(v => [v.version, [...v.aliases].sort()])).toEqual(
      [
        ['2', ['challenger', 'champion']],
        ['1', []],
      ],
    );
    expect(versions.items[1]).toMatchObject({
      sourceRunExternalId: run.externalId,
      description: 'first',
    });

    const [listed] = (await listAll()).filter(m => m.name === name);
    expect(listed).toEqual({
      externalId: name,
      name,
      description: 'answers questions',
      tags: { task: 'qa', 'llm-ops.id': 'model-1' },
      aliases: { champion: '2', challenger: '2' },
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      url: model.url,
    });

    await registry.deleteAlias(name, 'challenger');
    await registry.deleteAlias(name, 'challenger');
    const after = await registry.listVersions(name);
    expect(after.items.map(v => v.aliases)).toEqual([['champion'], []]);

    expect(
      await rejection(registry.setAlias(name, 'champion', '9')),
    ).toMatchObject({ status: 404 });
  });

  it('lists models updated since a time, filtering on its side', async () => {
    const older = `${prefix}-older`;
    await registry.createModel({ llmOpsId: 'm-older', name: older });
    await sleep(20);
    const since = Date.now();
    await sleep(20);
    const newer = `${prefix}-newer`;
    await registry.createModel({ llmOpsId: 'm-newer', name: newer });

    const changed = await listAll(since);
    const names = changed.map(m => m.name);
    expect(names).toContain(newer);
    expect(names).not.toContain(older);
    expect(changed.every(m => m.updatedAt > since)).toBe(true);
    const times = changed.map(m => m.updatedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // A new version moves the model's update time.
    await registry.createVersion({
      modelName: older,
      artifactUri: 's3://bucket/older/1',
    });
    expect((await listAll(since)).map(m => m.name)).toEqual(
      expect.arrayContaining([older, newer]),
    );

    // Far in the future: nothing, and no further page.
    expect(
      await registry.listModels({ updatedSince: Date.now() + 3_600_000 }),
    ).toEqual({ items: [] });
  });

  it('answers 404 for an unknown model', async () => {
    for (const call of [
      () => registry.listVersions(`${prefix}-no-such-model`),
      () =>
        registry.createVersion({
          modelName: `${prefix}-no-such-model`,
          artifactUri: 's3://bucket/model',
        }),
      () => registry.setAlias(`${prefix}-no-such-model`, 'champion', '1'),
      () => registry.deleteAlias(`${prefix}-no-such-model`, 'champion'),
    ]) {
      expect(await rejection(call())).toMatchObject({
        status: 404,
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
      });
    }
  });

  it('reports up', async () => {
    expect(await registry.checkHealth()).toEqual({
      state: 'up',
      latencyMs: expect.any(Number),
      lastSuccessAt: expect.any(String),
    });
  });
});

describe('MlflowRegistryAdapter without a server', () => {
  it('reports down and fails calls with an error that counts as unavailable', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const registry = new MlflowRegistryAdapter({
      instanceId: 'gone',
      client: new MlflowClient({ baseUrl, timeoutMs: 300 }),
      uiBaseUrl: baseUrl,
    });
    expect((await registry.checkHealth()).state).toBe('down');
    const error = await rejection(registry.listModels({}));
    expect(error).toBeInstanceOf(MlflowRequestError);
    expect(error.status).toBeUndefined();
  });
});
