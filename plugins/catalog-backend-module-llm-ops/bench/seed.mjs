// Fills a fresh llm-ops database on PostgreSQL with the catalog benchmark's data set, by bulk
// SQL inserts into the llm-ops schema (its own migrations create it):
//   10,000 experiments (one run each, the run trained on a dataset version),
//    2,000 models (one version each, produced by an experiment's run, alias champion),
//    1,000 datasets (one version each, tracked in a DVC repository),
//      100 endpoints (KServe, serving a model version),
//      500 pipelines (Argo, one run each that used a dataset version, ran a run and produced a
//          model version).
// Usage: node seed.mjs <postgres-url> <database>
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const knexFactory = require('knex');

const here = path.dirname(fileURLToPath(import.meta.url));
const migrations = path.resolve(here, '../../llm-ops-backend/migrations');

const [pgUrl, database] = process.argv.slice(2);
if (!pgUrl || !database) {
  console.error('usage: node seed.mjs <postgres-url> <database>');
  process.exit(2);
}
export const COUNTS = {
  experiments: Number(process.env.BENCH_EXPERIMENTS ?? 10000),
  models: Number(process.env.BENCH_MODELS ?? 2000),
  datasets: Number(process.env.BENCH_DATASETS ?? 1000),
  endpoints: Number(process.env.BENCH_ENDPOINTS ?? 100),
  pipelines: Number(process.env.BENCH_PIPELINES ?? 500),
};

const admin = knexFactory({ client: 'pg', connection: pgUrl });
await admin.raw(`drop database if exists ${database} with (force)`);
await admin.raw(`create database ${database}`);
await admin.destroy();

const url = new URL(pgUrl);
url.pathname = `/${database}`;
const db = knexFactory({ client: 'pg', connection: url.toString() });
await db.migrate.latest({ directory: migrations });

const started = Date.now();
let clock = Date.now() - 86_400_000; // a day ago, one millisecond apart
const tick = () => clock++;
const rows = {
  assets: [],
  versions: [],
  runs: [],
  aliases: [],
  lineage_edges: [],
  pipeline_runs: [],
  tags: [],
};
const owners = [
  'group:default/nlp',
  'group:default/vision',
  'group:default/ml-platform',
  null,
];
const asset = (kind, name, extra = {}) => {
  const t = tick();
  const row = {
    id: randomUUID(),
    kind,
    name,
    description: `${kind} ${name} (benchmark)`,
    owner: owners[rows.assets.length % owners.length],
    lifecycle: 'active',
    spec: JSON.stringify(extra.spec ?? {}),
    status: JSON.stringify(extra.status ?? {}),
    created_at: t,
    updated_at: t,
  };
  rows.assets.push(row);
  return row;
};
const edge = (fromType, fromId, relation, toType, toId) =>
  rows.lineage_edges.push({
    from_type: fromType,
    from_id: fromId,
    relation,
    to_type: toType,
    to_id: toId,
    created_at: tick(),
  });

const datasetVersions = [];
for (let i = 0; i < COUNTS.datasets; i++) {
  // Every other name is not a valid entity name as it is (upper case, spaces), so it gets a hash.
  const d = asset('dataset', i % 2 ? `Corpus ${i} (raw)` : `corpus-${i}`);
  const t = tick();
  const v = {
    id: randomUUID(),
    asset_id: d.id,
    version: '1',
    description: null,
    spec: JSON.stringify({
      uri: `s3://datasets/corpus-${i}/v1`,
      format: 'parquet',
      sourceRepository: {
        repository: 'https://github.com/acme/datasets',
        path: `corpus-${i}.dvc`,
        revision: 'main',
      },
    }),
    created_at: t,
    updated_at: t,
  };
  rows.versions.push(v);
  datasetVersions.push(v);
}
const runs = [];
for (let i = 0; i < COUNTS.experiments; i++) {
  const e = asset(
    'experiment',
    i % 2 ? `team-${i % 7}/Experiment ${i}` : `experiment-${i}`,
  );
  const t = tick();
  const run = {
    id: randomUUID(),
    experiment_id: e.id,
    name: `run-${i}`,
    status: 'FINISHED',
    start_time: t,
    end_time: t,
    lifecycle: 'active',
    created_at: t,
    updated_at: t,
  };
  rows.runs.push(run);
  runs.push(run);
  edge(
    'run',
    run.id,
    'used',
    'dataset-version',
    datasetVersions[i % datasetVersions.length].id,
  );
}
const modelVersions = [];
for (let i = 0; i < COUNTS.models; i++) {
  const m = asset('model', i % 2 ? `Model ${i}` : `model-${i}`, {
    status: { versionCounter: 1 },
  });
  const run = runs[(i * 5) % runs.length];
  const t = tick();
  const v = {
    id: randomUUID(),
    asset_id: m.id,
    version: '1',
    description: null,
    spec: JSON.stringify({
      artifactUri: `s3://models/model-${i}/1`,
      sourceRunId: run.id,
      status: 'READY',
    }),
    created_at: t,
    updated_at: t,
  };
  rows.versions.push(v);
  modelVersions.push({ v, m });
  rows.aliases.push({ asset_id: m.id, alias: 'champion', version_id: v.id });
  edge('run', run.id, 'produced', 'model-version', v.id);
}
for (let i = 0; i < COUNTS.endpoints; i++) {
  const { v, m } = modelVersions[i % modelVersions.length];
  const e = asset('endpoint', `endpoint-${i}`, {
    spec: {
      runtime: 'kserve',
      cluster: 'east',
      namespace: 'ml-serving',
      url: `https://endpoint-${i}.ml.example.com`,
      traffic: [
        {
          modelVersionId: v.id,
          modelName: m.name,
          version: '1',
          percent: 100,
          role: 'stable',
        },
      ],
      minReplicas: 1,
      maxReplicas: 1,
      generation: 1,
    },
    status: { state: 'Ready' },
  });
  edge('endpoint', e.id, 'serves', 'model-version', v.id);
}
for (let i = 0; i < COUNTS.pipelines; i++) {
  const p = asset('pipeline', `pipeline-${i}`, {
    spec: {
      runtime: 'argo',
      templateRef: { kind: 'WorkflowTemplate', name: `pipeline-${i}` },
      cluster: 'east',
      namespace: 'ml-pipelines',
      parameters: {},
    },
  });
  const t = tick();
  const pr = {
    id: randomUUID(),
    pipeline_id: p.id,
    name: `pipeline-${i}-abcde`,
    parameters: '{}',
    phase: 'Succeeded',
    nodes: '[]',
    started_at: t,
    finished_at: t,
    created_at: t,
    updated_at: t,
  };
  rows.pipeline_runs.push(pr);
  edge(
    'pipeline-run',
    pr.id,
    'used',
    'dataset-version',
    datasetVersions[i % datasetVersions.length].id,
  );
  edge('pipeline-run', pr.id, 'ran', 'run', runs[i % runs.length].id);
  edge(
    'pipeline-run',
    pr.id,
    'produced',
    'model-version',
    modelVersions[i % modelVersions.length].v.id,
  );
}
for (const a of rows.assets)
  rows.tags.push({ resource_id: a.id, key: 'bench', value: 'catalog' });

for (const table of [
  'assets',
  'versions',
  'aliases',
  'runs',
  'pipeline_runs',
  'lineage_edges',
  'tags',
]) {
  await db.batchInsert(table, rows[table], 1000);
}
await db.raw('analyze');
const counts = await db('assets')
  .select('kind')
  .count({ n: '*' })
  .groupBy('kind');
await db.destroy();
console.log(
  JSON.stringify({
    seededInSeconds: (Date.now() - started) / 1000,
    assets: Object.fromEntries(counts.map(c => [c.kind, Number(c.n)])),
    runs: rows.runs.length,
    lineageEdges: rows.lineage_edges.length,
  }),
);
