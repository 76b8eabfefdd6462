// EXPLAIN (ANALYZE, BUFFERS) of the SQL behind each read scenario, on the bench database.
// The SQL is not re-typed here: the plugin's own stores (TypeScript, loaded through Backstage's
// node transform) run against the bench database while knex's query events record every
// statement with its bindings; each statement is then explained as sent.
//
// Usage: node --require <@backstage/cli-node/config/nodeTransform.cjs> explain.cjs OUT.json > plans.txt
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');
const { createRequire } = require('node:module');

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'plugins/llm-ops-backend/src');
const pluginRequire = createRequire(
  path.join(ROOT, 'plugins/llm-ops-backend/package.json'),
);
const knexFactory = pluginRequire('knex');
const { AssetStore } = require(path.join(SRC, 'database/AssetStore.ts'));
const { RunStore } = require(path.join(SRC, 'database/RunStore.ts'));
const { MetricHistory } = require(path.join(SRC, 'database/MetricHistory.ts'));

const outFile = process.argv[2];
const base =
  process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:55432';
const url = new URL(base);
url.pathname = `/${process.env.BENCH_DB ?? 'llm_ops_bench'}`;

const uuidOf = text => {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
};
// The same shapes as load.mjs, with fixed values so that plans are comparable between runs.
const FILTER = "metrics.accuracy > 0.9 and params.optimizer = 'adam'";
const ORDER = ['metrics.f1 DESC'];
const fiveExperiments = [101, 2002, 3303, 4604, 5905].map(e =>
  uuidOf(`exp${e}`),
);
const bigExperiment = uuidOf('exp1');
const seriesRun = uuidOf('run500000');

async function main() {
  const knex = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 1, max: 1 },
  });
  const assets = new AssetStore(knex);
  const runs = new RunStore(knex, assets);
  const history = new MetricHistory(knex);
  const cases = [
    {
      key: 'a1',
      op: () =>
        assets.list('experiment', {
          owner: 'group:default/ml-platform',
          orderBy: '-createdAt',
          pageSize: 50,
        }),
    },
    {
      key: 'a2',
      op: () =>
        assets.list('experiment', {
          q: 'summarization',
          orderBy: 'name',
          pageSize: 50,
        }),
    },
    {
      key: 'a3',
      op: () =>
        assets.list('experiment', {
          tag: 'domain=nlp',
          orderBy: '-updatedAt',
          pageSize: 50,
        }),
    },
    {
      key: 'b1',
      op: () =>
        runs.search({
          experimentIds: fiveExperiments,
          filter: FILTER,
          orderBy: ORDER,
          maxResults: 100,
        }),
    },
    {
      key: 'b2',
      op: () =>
        runs.search({
          experimentIds: [bigExperiment],
          filter: FILTER,
          orderBy: ORDER,
          maxResults: 100,
        }),
    },
    { key: 'c1', op: () => history.pageJson(seriesRun, 'loss', 10000) },
    { key: 'c2', op: () => history.downsampledJson(seriesRun, 'loss', 500) },
  ].filter(
    c =>
      !process.env.BENCH_SCENARIOS ||
      process.env.BENCH_SCENARIOS.split(',').includes(c.key),
  );

  let captured = [];
  const started = new Map();
  knex.on('query', q => {
    started.set(q.__knexQueryUid, performance.now());
    captured.push({
      uid: q.__knexQueryUid,
      sql: q.sql,
      bindings: q.bindings ?? [],
    });
  });
  knex.on('query-response', (_r, q) => {
    const item = captured.find(c => c.uid === q.__knexQueryUid);
    if (item)
      item.wallMs =
        Math.round((performance.now() - started.get(q.__knexQueryUid)) * 100) /
        100;
  });

  const results = [];
  for (const c of cases) {
    await c.op(); // warm the cache and the plan
    captured = [];
    const t = performance.now();
    await c.op();
    const storeMs = Math.round((performance.now() - t) * 10) / 10;
    const queries = [];
    for (const q of captured) {
      let plan;
      for (let i = 0; i < 2; i++) {
        plan = (
          await knex.client.acquireConnection().then(async conn => {
            try {
              return await conn.query(
                `explain (analyze, buffers) ${q.sql}`,
                q.bindings,
              );
            } finally {
              await knex.client.releaseConnection(conn);
            }
          })
        ).rows.map(r => r['QUERY PLAN']);
      }
      const exec = plan.find(l => l.startsWith('Execution Time'));
      const planning = plan.find(l => l.startsWith('Planning Time'));
      queries.push({
        sql: q.sql,
        bindings: q.bindings.map(b =>
          typeof b === 'string' && b.length > 60 ? `${b.slice(0, 60)}...` : b,
        ),
        wallMs: q.wallMs,
        executionMs: exec ? Number(exec.match(/[\d.]+/)[0]) : null,
        planningMs: planning ? Number(planning.match(/[\d.]+/)[0]) : null,
        plan,
      });
    }
    const main = queries.reduce(
      (a, b) => ((b.executionMs ?? 0) > (a.executionMs ?? 0) ? b : a),
      queries[0],
    );
    results.push({
      key: c.key,
      storeMs,
      queryCount: queries.length,
      main: queries.indexOf(main),
      queries,
    });
    console.log(
      `=== ${c.key}: ${queries.length} statements, ${storeMs} ms through the store (one connection)`,
    );
    for (const q of queries) {
      console.log(
        `\n--- ${q.executionMs} ms execution, ${q.planningMs} ms planning${
          q === main ? ' (slowest)' : ''
        }`,
      );
      console.log(q.sql);
      console.log(`bindings: ${JSON.stringify(q.bindings)}`);
      console.log(q.plan.join('\n'));
    }
    console.log('');
  }
  await knex.destroy();
  if (outFile)
    fs.writeFileSync(outFile, JSON.stringify({ cases: results }, null, 2));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
