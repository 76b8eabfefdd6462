// Measures the catalog against the benchmark data set, through the running backend's APIs:
//   1. the time until the catalog holds every llm-ops asset as an entity, processed and stitched
//      (counted with the catalog's query API, relations included),
//   2. the delay until a change to one asset (PATCH through the llm-ops API) is visible in the
//      catalog API, several times.
// Usage: node measure.mjs <backend-base-url> <token> <backend-ready-at-ms>
import os from 'node:os';

const [base, token, startedAtArg] = process.argv.slice(2);
const startedAt = Number(startedAtArg);
const expected = {
  experiment: Number(process.env.BENCH_EXPERIMENTS ?? 10000),
  model: Number(process.env.BENCH_MODELS ?? 2000),
  dataset: Number(process.env.BENCH_DATASETS ?? 1000),
  endpoint: Number(process.env.BENCH_ENDPOINTS ?? 100),
  pipeline: Number(process.env.BENCH_PIPELINES ?? 500),
};
const total = Object.values(expected).reduce((a, b) => a + b, 0);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const headers = {
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
};

async function call(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body && JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(
      `${method} ${path} answered ${res.status}: ${(await res.text()).slice(
        0,
        300,
      )}`,
    );
  return res.json();
}

/** How many entities match a predicate query (the catalog counts final, stitched entities). */
async function count(query) {
  const res = await call('POST', '/api/catalog/entities/by-query', {
    query,
    limit: 1,
  });
  return res.totalItems;
}

const kinds = {
  kind: { $in: ['Experiment', 'Model', 'Dataset', 'Endpoint', 'Pipeline'] },
};
// Relations land on an entity when it is stitched after the entities that point at it were
// processed; these count entities whose every expected lineage relation is there.
const checks = {
  entities: [kinds, total],
  experimentsTrainedOn: [
    {
      $all: [
        { kind: 'Experiment' },
        { 'relations.trainedOn': { $exists: true } },
      ],
    },
    expected.experiment,
  ],
  datasetsTrainingDataOf: [
    {
      $all: [
        { kind: 'Dataset' },
        { 'relations.trainingDataOf': { $exists: true } },
      ],
    },
    expected.dataset,
  ],
  modelsServedOrProduced: [
    {
      $all: [{ kind: 'Model' }, { 'relations.producedBy': { $exists: true } }],
    },
    expected.model,
  ],
  pipelinesConsume: [
    {
      $all: [{ kind: 'Pipeline' }, { 'relations.consumes': { $exists: true } }],
    },
    expected.pipeline,
  ],
  endpointsServe: [
    { $all: [{ kind: 'Endpoint' }, { 'relations.serves': { $exists: true } }] },
    expected.endpoint,
  ],
};

const result = {
  expectedEntities: total,
  counts: {},
  loadAverage: { atStart: os.loadavg().map(l => +l.toFixed(2)) },
};
let firstEntityAt;
let allEntitiesAt;
const deadline = Date.now() + TIMEOUT_MS;
// One cheap count a second until every entity is there, then the relation checks too: polling
// must not load the catalog it measures.
for (;;) {
  const current = { entities: await count(checks.entities[0]) };
  if (!firstEntityAt && current.entities > 0) firstEntityAt = Date.now();
  if (current.entities >= total) {
    allEntitiesAt ??= Date.now();
    for (const [name, [query]] of Object.entries(checks))
      current[name] = await count(query);
  }
  result.counts = current;
  if (Object.entries(checks).every(([name, [, want]]) => current[name] >= want))
    break;
  if (Date.now() > deadline) {
    result.error = `timed out after ${TIMEOUT_MS / 1000} s`;
    console.log(JSON.stringify(result, null, 2));
    process.exit(1);
  }
  await sleep(1000);
}
const doneAt = Date.now();
result.secondsFromBackendReadyToAllStitched = (doneAt - startedAt) / 1000;
result.secondsFromFirstEntityToAllStitched = (doneAt - firstEntityAt) / 1000;
// Where the time went: the provider's read and mutation (until the first entity is visible),
// processing and first stitch of every entity, then the restitching that completes relations.
result.stages = {
  readyToFirstEntity: (firstEntityAt - startedAt) / 1000,
  firstEntityToAllEntities: (allEntitiesAt - firstEntityAt) / 1000,
  allEntitiesToAllRelations: (doneAt - allEntitiesAt) / 1000,
};
result.loadAverage.whenStitched = os.loadavg().map(l => +l.toFixed(2));

// Change visibility: rename nothing, just re-describe a model and wait for the catalog to show it.
const models = await call(
  'GET',
  '/api/llm-ops/v1/models?pageSize=5&orderBy=name',
);
const delays = [];
for (let i = 0; i < Number(process.env.BENCH_CHANGES ?? 5); i++) {
  const model = models.data.items[i % models.data.items.length];
  const description = `changed ${Date.now()} #${i}`;
  const changedAt = Date.now();
  await call('PATCH', `/api/llm-ops/v1/models/${model.id}`, { description });
  const name = model.name.match(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    ? model.name
    : undefined;
  for (;;) {
    const res = await call('POST', '/api/catalog/entities/by-query', {
      query: {
        $all: [
          { kind: 'Model' },
          { 'metadata.annotations.llm-ops.io/id': model.id },
        ],
      },
      limit: 1,
    });
    if (res.items[0]?.metadata?.description === description) break;
    if (Date.now() - changedAt > 60_000)
      throw new Error(`change to ${name ?? model.id} not visible after 60 s`);
    await sleep(100);
  }
  delays.push((Date.now() - changedAt) / 1000);
  await sleep(Math.random() * 2000);
}
result.changeVisibleSeconds = {
  samples: delays,
  max: Math.max(...delays),
  median: [...delays].sort((a, b) => a - b)[Math.floor(delays.length / 2)],
};
result.loadAverage.atEnd = os.loadavg().map(l => +l.toFixed(2));
console.log(JSON.stringify(result, null, 2));
