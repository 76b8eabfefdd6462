// Creates the demo data the end-to-end tests look at, through the public /llm-ops/v1 API with
// the static token of backend.auth.externalAccess (LLM_OPS_API_TOKEN): an experiment with a
// hyperparameter sweep of runs and their metric curves, a dataset version the runs used, a model
// with versions from two runs, an endpoint serving one with the other as a canary, and a
// pipeline run that links them all (dataset -> pipeline run -> run -> model version -> endpoint).
// Names carry a suffix, so seeding twice against a kept database does not collide.

import { randomUUID } from 'node:crypto';

export class Api {
  constructor(baseUrl, token) {
    this.baseUrl = `${baseUrl.replace(/\/$/, '')}/api/llm-ops`;
    this.token = token;
  }

  /**
   * One call, retried while the backend is unreachable or restarting (the dev backend restarts
   * when a source file changes). Creates carry an Idempotency-Key, so a retried create whose
   * first attempt did land answers the first result instead of creating twice.
   */
  async call(method, path, body) {
    const idempotencyKey = method === 'POST' ? randomUUID() : undefined;
    let response;
    for (let attempt = 1; ; attempt++) {
      try {
        response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${this.token}`,
            ...(body === undefined
              ? {}
              : { 'Content-Type': 'application/json' }),
            ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (response.status !== 503 || attempt >= 60) break;
      } catch (error) {
        if (attempt >= 60) throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
    const envelope = await response.json().catch(() => undefined);
    if (!response.ok || envelope?.status !== 'success') {
      throw new Error(
        `${method} ${path} answered ${response.status}: ${
          envelope?.message ?? response.statusText
        }`,
      );
    }
    // A 202 (queued in the outbox) carries the provisional resource next to the outbox entry.
    return response.status === 202 ? envelope.data.resource : envelope.data;
  }

  get(path) {
    return this.call('GET', path);
  }
  post(path, body) {
    return this.call('POST', path, body);
  }
  patch(path, body) {
    return this.call('PATCH', path, body);
  }
  put(path, body) {
    return this.call('PUT', path, body);
  }
}

/** A smooth, slightly noisy training curve: `steps` points from `start` towards `end`. */
function curve(key, steps, start, end, noiseSeed) {
  const points = [];
  let noise = noiseSeed;
  const t0 = Date.now() - steps * 60_000;
  for (let step = 0; step < steps; step++) {
    noise = (noise * 9301 + 49297) % 233280;
    const jitter = (noise / 233280 - 0.5) * 0.02;
    const progress = 1 - Math.exp((-4 * step) / steps);
    points.push({
      key,
      step,
      value: Number((start + (end - start) * progress + jitter).toFixed(5)),
      timestamp: t0 + step * 60_000,
    });
  }
  return points;
}

const sweep = [
  {
    lr: '0.001',
    batch_size: '32',
    optimizer: 'adam',
    accuracy: 0.912,
    loss: 0.21,
  },
  {
    lr: '0.01',
    batch_size: '64',
    optimizer: 'adam',
    accuracy: 0.887,
    loss: 0.29,
  },
  {
    lr: '0.1',
    batch_size: '64',
    optimizer: 'sgd',
    accuracy: 0.803,
    loss: 0.47,
  },
  {
    lr: '0.05',
    batch_size: '128',
    optimizer: 'sgd',
    accuracy: 0.851,
    loss: 0.36,
  },
];

export async function seed(api, suffix = Date.now().toString(36)) {
  const names = {
    experiment: `e2e-sweep-${suffix}`,
    dataset: `e2e-corpus-${suffix}`,
    model: `e2e-classifier-${suffix}`,
    endpoint: `e2e-chat-${suffix}`,
    pipeline: `e2e-train-${suffix}`,
  };

  const experiment = await api.post('/v1/experiments', {
    name: names.experiment,
    description: 'Learning-rate and batch-size sweep of the intent classifier',
    owner: 'group:default/ml-platform',
    tags: { team: 'ml-platform', task: 'intent' },
  });

  const dataset = await api.post('/v1/datasets', {
    name: names.dataset,
    description: 'Labelled support conversations',
    owner: 'group:default/ml-platform',
  });
  const datasetVersion = await api.post(
    `/v1/datasets/${names.dataset}/versions`,
    {
      version: '2026-11',
      uri: `s3://datasets/${names.dataset}/2026-11/`,
      digest: 'md5:0cc175b9c0f1b6a831c399e269772661',
      sizeBytes: 734_003_200,
      fileCount: 12,
      format: 'parquet',
      schema: {
        text: 'string',
        intent: 'string',
        language: 'string',
        turns: 'int32',
      },
    },
  );

  const runs = [];
  for (const [index, s] of sweep.entries()) {
    const run = await api.post('/v1/runs', {
      experimentId: experiment.id,
      name: `lr-${s.lr}-bs-${s.batch_size}`,
      status: 'RUNNING',
      startTime: new Date(
        Date.now() - (sweep.length - index) * 3_600_000,
      ).toISOString(),
      params: {
        lr: s.lr,
        batch_size: s.batch_size,
        optimizer: s.optimizer,
        epochs: '10',
      },
      tags: { sweep: 'lr-bs' },
    });
    await api.post(`/v1/runs/${run.id}/batch`, {
      metrics: [
        ...curve('accuracy', 60, 0.4, s.accuracy, index + 1),
        ...curve('loss', 60, 1.6, s.loss, index + 7),
      ],
    });
    await api.post(`/v1/runs/${run.id}/inputs`, {
      datasetVersionIds: [datasetVersion.id],
    });
    await api.patch(`/v1/runs/${run.id}`, {
      status: 'FINISHED',
      endTime: new Date(
        Date.now() - (sweep.length - index - 0.5) * 3_600_000,
      ).toISOString(),
    });
    runs.push(run);
  }

  await api.post('/v1/models', {
    name: names.model,
    description: 'Intent classifier for the support assistant',
    owner: 'group:default/ml-platform',
  });
  const v1 = await api.post(`/v1/models/${names.model}/versions`, {
    artifactUri: `s3://models/${names.model}/1`,
    sourceRunId: runs[0].id,
    description: 'best accuracy of the sweep',
  });
  const v2 = await api.post(`/v1/models/${names.model}/versions`, {
    artifactUri: `s3://models/${names.model}/2`,
    sourceRunId: runs[1].id,
  });
  await api.put(`/v1/models/${names.model}/aliases/champion`, {
    version: v1.version,
  });

  await api.post('/v1/endpoints', {
    name: names.endpoint,
    description: 'Intent classification for the support chat',
    owner: 'group:default/ml-platform',
    runtime: 'builtin',
    url: `https://serving.example.internal/${names.endpoint}`,
    minReplicas: 1,
    maxReplicas: 3,
    modelVersionId: v1.id,
  });
  const endpoint = await api.post(`/v1/endpoints/${names.endpoint}/deploy`, {
    modelVersionId: v2.id,
    canaryPercent: 20,
  });

  await api.post('/v1/pipelines', {
    name: names.pipeline,
    description: 'Prepare data, train and register the classifier',
    runtime: 'builtin',
    parameters: { epochs: '10' },
  });
  const pipelineRun = await api.post(
    `/v1/pipelines/${names.pipeline}/runs`,
    {},
  );
  const now = Date.now();
  await api.patch(`/v1/pipeline-runs/${pipelineRun.id}`, {
    phase: 'Succeeded',
    progress: '3/3',
    startedAt: new Date(now - 900_000).toISOString(),
    finishedAt: new Date(now - 60_000).toISOString(),
    nodes: ['prepare', 'train', 'register'].map((name, i) => ({
      id: `${pipelineRun.id}-${name}`,
      name,
      type: 'Pod',
      phase: 'Succeeded',
      startedAt: new Date(now - 900_000 + i * 250_000).toISOString(),
      finishedAt: new Date(now - 650_000 + i * 250_000).toISOString(),
    })),
  });
  await api.post(`/v1/pipeline-runs/${pipelineRun.id}/links`, {
    used: [datasetVersion.id],
    ran: [runs[0].id],
    produced: [v1.id],
  });

  return {
    names,
    experiment,
    runs,
    dataset,
    datasetVersion,
    v1,
    v2,
    endpoint,
    pipelineRun,
  };
}
