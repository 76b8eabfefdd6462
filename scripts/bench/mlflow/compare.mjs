// The side-by-side benchmark: the same queries against /llm-ops/v1 and against a real MLflow server's REST
// API, both on the same data set (scripts/bench/mlflow/load.py copies the llm-ops bench data into MLflow's
// tables), with a closed loop like load.mjs: N concurrent clients, each sending its next request when the
// previous answer arrives, a warm-up, then a measured window (the requests that complete inside it). Before measuring, each query is sent
// to both systems with the same parameters and the answers are compared (same experiments, same runs in the
// same order, same points), so both really answer the same question.
//
// Usage: node compare.mjs LLM_OPS_BASE_URL MLFLOW_BASE_URL OUT.json
// Env:   BENCH_TOKEN (llm-ops static token), BENCH_BACKEND_PID, BENCH_MLFLOW_PID (CPU accounting),
//        BENCH_CONCURRENCY (20), BENCH_MLFLOW_DURATION (BENCH_DURATION, 20 s), BENCH_WARMUP (3 s),
//        BENCH_MLFLOW_QUERIES (comma-separated keys, default all), BENCH_DB / BENCH_MLFLOW_DB (CPU of
//        the PostgreSQL backends serving each database).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { SCALE, dbUrl, pg, textTable } from '../lib.mjs';
import { ticksOf } from '../procCpu.mjs';

const [llmBase, mlflowBase, outFile] = process.argv.slice(2);
const token = process.env.BENCH_TOKEN;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const durationS = Number(
  process.env.BENCH_MLFLOW_DURATION ?? process.env.BENCH_DURATION ?? 20,
);
const warmupS = Number(process.env.BENCH_WARMUP ?? 3);
const only = process.env.BENCH_MLFLOW_QUERIES
  ? new Set(process.env.BENCH_MLFLOW_QUERIES.split(','))
  : undefined;
const LLM_DB = process.env.BENCH_DB ?? 'llm_ops_bench';
const MLFLOW_DB = process.env.BENCH_MLFLOW_DB ?? 'mlflow_bench';
if (!llmBase || !mlflowBase || !token) {
  console.error(
    'usage: BENCH_TOKEN=... node compare.mjs LLM_OPS_BASE_URL MLFLOW_BASE_URL [OUT.json]',
  );
  process.exit(2);
}
const v1 = `${llmBase}/api/llm-ops/v1`;
const ml = `${mlflowBase}/api/2.0/mlflow`;
const mlAjax = `${mlflowBase}/ajax-api/2.0/mlflow`;

// The seed's ids (seed.mjs): experiment e is md5('exp' || e) as a uuid in llm-ops and e in MLflow; run i is
// md5('run' || i) as a uuid in llm-ops and the same hex without dashes in MLflow (load.py).
const md5 = text => createHash('md5').update(text).digest('hex');
const uuidOf = text => {
  const h = md5(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
};
const experiment = e => ({ llm: uuidOf(`exp${e}`), mlflow: String(e) });
const run = i => ({ llm: uuidOf(`run${i}`), mlflow: md5(`run${i}`) });
const bigExperiments = Array.from({ length: SCALE.bigExperiments }, (_, i) =>
  experiment(i + 1),
);
const normalExperiments = [];
for (let e = SCALE.bigExperiments + 1; e <= SCALE.experiments; e++) {
  if (e % 50 !== 49) normalExperiments.push(experiment(e)); // e % 50 = 49 are soft-deleted
}
const seriesRuns = Array.from({ length: SCALE.seriesRuns }, (_, k) =>
  run((k + 1) * (SCALE.runs / SCALE.seriesRuns)),
);
const NAME_TERMS = [
  'summarization',
  'lora',
  'whisper',
  'retrieval',
  'distill',
  'llama3-qa',
  'vit-segmentation',
  '0042',
];
const DOMAINS = ['nlp', 'vision', 'speech', 'tabular', 'rl', 'multimodal'];
const FILTER = "metrics.accuracy > 0.9 and params.lr = '0.01'";
const ORDER = 'metrics.accuracy DESC';

// Each system gets the same sequence of parameters: a seeded generator per (query, system) run.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (rnd, list) => list[Math.floor(rnd() * list.length)];
const sample = (rnd, list, n) => {
  const picked = new Set();
  while (picked.size < n) picked.add(pick(rnd, list));
  return [...picked];
};

async function call(system, method, url, body) {
  const headers = { 'content-type': 'application/json' };
  if (system === 'llm-ops') headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) {
    throw Object.assign(new Error(`HTTP ${res.status}`), {
      status: res.status,
      body: text.slice(0, 300),
    });
  }
  return {
    text,
    encoding: res.headers.get('content-encoding') ?? 'identity',
  };
}

// A query: what each system is asked (from the same parameters), and how its answer is reduced to something
// comparable across the two (names, run ids, points).
const queries = [
  {
    key: 'q1a',
    name: 'experiments: name search, newest update first, page 50',
    params: rnd => ({ term: pick(rnd, NAME_TERMS) }),
    'llm-ops': {
      request: p => [
        'GET',
        `${v1}/experiments?q=${encodeURIComponent(
          p.term,
        )}&orderBy=-updatedAt&pageSize=50`,
      ],
      answer: body => body.data.items.map(x => x.name),
    },
    mlflow: {
      request: p => [
        'POST',
        `${ml}/experiments/search`,
        {
          filter: `name ILIKE '%${p.term}%'`,
          order_by: ['last_update_time DESC'],
          max_results: 50,
        },
      ],
      answer: body => (body.experiments ?? []).map(x => x.name),
    },
  },
  {
    key: 'q1b',
    name: 'experiments: tag filter, newest update first, page 50',
    params: rnd => ({ domain: pick(rnd, DOMAINS) }),
    'llm-ops': {
      request: p => [
        'GET',
        `${v1}/experiments?tag=${encodeURIComponent(
          `domain=${p.domain}`,
        )}&orderBy=-updatedAt&pageSize=50`,
      ],
      answer: body => body.data.items.map(x => x.name),
    },
    mlflow: {
      request: p => [
        'POST',
        `${ml}/experiments/search`,
        {
          filter: `tags.domain = '${p.domain}'`,
          order_by: ['last_update_time DESC'],
          max_results: 50,
        },
      ],
      answer: body => (body.experiments ?? []).map(x => x.name),
    },
  },
  ...[
    {
      key: 'q2a',
      name: 'runs search: 5 experiments of ~80 runs, metric+param filter, by metric, page 100',
      params: rnd => ({ experiments: sample(rnd, normalExperiments, 5) }),
    },
    {
      key: 'q2b',
      name: 'runs search: 1 experiment of 20,000 runs, same filter and order, page 100',
      params: rnd => ({ experiments: [pick(rnd, bigExperiments)] }),
    },
  ].map(q => ({
    ...q,
    'llm-ops': {
      request: p => [
        'POST',
        `${v1}/runs/search`,
        {
          experimentIds: p.experiments.map(e => e.llm),
          filter: FILTER,
          orderBy: [ORDER],
          pageSize: 100,
        },
      ],
      answer: body => body.data.items.map(r => r.id.replaceAll('-', '')),
    },
    mlflow: {
      request: p => [
        'POST',
        `${ml}/runs/search`,
        {
          experiment_ids: p.experiments.map(e => e.mlflow),
          filter: FILTER,
          order_by: [ORDER],
          max_results: 100,
        },
      ],
      answer: body => (body.runs ?? []).map(r => r.info.run_id),
    },
  })),
  {
    key: 'q3',
    name: 'metric history: a 10,000-point series, raw, one page',
    params: rnd => ({ run: pick(rnd, seriesRuns) }),
    'llm-ops': {
      request: p => [
        'GET',
        `${v1}/runs/${p.run.llm}/metrics/loss/history?pageSize=10000`,
      ],
      answer: body => body.data.points.map(x => `${x.step}:${x.value}`),
    },
    mlflow: {
      request: p => [
        'GET',
        `${ml}/metrics/get-history?run_id=${p.run.mlflow}&metric_key=loss&max_results=10000`,
      ],
      answer: body =>
        (body.metrics ?? []).map(x => `${x.step ?? 0}:${x.value}`),
    },
  },
  {
    key: 'q3d',
    name: 'metric history downsampled to ~500 points (reference; each system its own method)',
    downsampled: true,
    params: rnd => ({ run: pick(rnd, seriesRuns) }),
    'llm-ops': {
      request: p => [
        'GET',
        `${v1}/runs/${p.run.llm}/metrics/loss/history?maxPoints=500`,
      ],
      answer: body => body.data.points.length,
    },
    mlflow: {
      // What MLflow's own UI calls for charts: sampled history (first and last point kept).
      request: p => [
        'GET',
        `${mlAjax}/metrics/get-history-bulk-interval?run_ids=${p.run.mlflow}&metric_key=loss&max_results=500`,
      ],
      answer: body => (body.metrics ?? []).length,
    },
  },
].filter(q => !only || only.has(q.key));

/** Same parameters to both systems; the answers must match (downsampled: both non-empty). */
async function checkSameAnswers(query) {
  const rnd = generator(7);
  const checks = [];
  for (let i = 0; i < 3; i++) {
    const p = query.params(rnd);
    const answers = {};
    const bytes = {};
    const encodings = {};
    for (const system of ['llm-ops', 'mlflow']) {
      const [method, url, body] = query[system].request(p);
      // fetch asks for gzip, as browsers do; the header says whether the server compressed.
      const { text, encoding } = await call(system, method, url, body);
      encodings[system] = encoding;
      answers[system] = query[system].answer(JSON.parse(text));
      bytes[system] = Buffer.byteLength(text);
    }
    const same = query.downsampled
      ? answers['llm-ops'] > 0 && answers.mlflow > 0
      : JSON.stringify(answers['llm-ops']) === JSON.stringify(answers.mlflow);
    checks.push({
      params: JSON.stringify(p).slice(0, 200),
      same,
      items: {
        'llm-ops': query.downsampled
          ? answers['llm-ops']
          : answers['llm-ops'].length,
        mlflow: query.downsampled ? answers.mlflow : answers.mlflow.length,
      },
      bytes,
      encodings,
    });
    if (!same) {
      process.stderr.write(
        `    DIFFERENT ANSWERS for ${query.key} ${JSON.stringify(p)}:\n` +
          `      llm-ops ${JSON.stringify(answers['llm-ops']).slice(
            0,
            300,
          )}\n` +
          `      mlflow  ${JSON.stringify(answers.mlflow).slice(0, 300)}\n`,
      );
    }
  }
  return checks;
}

/** The process and its descendants (MLflow's CLI starts uvicorn as a child). */
function treeOf(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = fs
        .readFileSync(`/proc/${entry}/stat`, 'utf8')
        .split(') ')[1]
        .split(' ')[1];
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(entry);
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = p => {
    out.push(String(p));
    for (const c of children.get(String(p)) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

let admin;
async function pgBackends(database) {
  const { rows } = await admin.query(
    'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  );
  return rows.map(r => String(r.pid));
}

/**
 * CPU of a system while it is measured: its server's process tree (snapshots at both ends), and the
 * PostgreSQL backends connected to its database, sampled every 250 ms, because a pool may open and close
 * connections during the window (SQLAlchemy closes the overflow beyond its 5 pooled connections). A backend
 * first seen during the window counts from zero; one that ends counts until its last sample.
 */
function cpuMeter(system) {
  const serverPid =
    system === 'llm-ops'
      ? process.env.BENCH_BACKEND_PID
      : process.env.BENCH_MLFLOW_PID;
  const database = system === 'llm-ops' ? LLM_DB : MLFLOW_DB;
  const server = new Map();
  const db = new Map();
  let timer;
  let started;
  let stopping = false;
  const sampleDb = async initial => {
    for (const pid of await pgBackends(database)) {
      const ticks = ticksOf(pid);
      if (ticks === undefined) continue;
      const seen = db.get(pid);
      if (seen) seen.last = ticks;
      else db.set(pid, { first: initial ? ticks : 0, last: ticks });
    }
  };
  const loop = async () => {
    if (stopping) return;
    await sampleDb(false).catch(() => {});
    if (!stopping) timer = setTimeout(loop, 250);
  };
  return {
    async start() {
      started = performance.now();
      for (const pid of serverPid ? treeOf(serverPid) : []) {
        const ticks = ticksOf(pid);
        if (ticks !== undefined) server.set(pid, { first: ticks, last: ticks });
      }
      await sampleDb(true);
      timer = setTimeout(loop, 250);
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await sampleDb(false);
      for (const [pid, entry] of server) {
        const ticks = ticksOf(pid);
        if (ticks !== undefined) entry.last = ticks;
      }
      const seconds = (performance.now() - started) / 1000;
      const percent = map => {
        let ticks = 0;
        for (const { first, last } of map.values()) ticks += last - first;
        return Math.round((ticks / 100 / seconds) * 100);
      };
      return {
        server: serverPid ? percent(server) : null,
        db: percent(db),
      };
    },
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/**
 * One query on one system: the clients send requests back to back from the start; what counts are the
 * requests that complete inside the measured window (after the warm-up), and the CPU used inside it.
 * Requests still running when the window ends are waited for (they would load the next measurement) but not
 * counted. This keeps a sample when one request takes longer than the warm-up (MLflow's q3: over 10 s).
 */
async function measure(query, system) {
  const latencies = [];
  const errors = [];
  const rnd = generator(42);
  let bytes = 0;
  const startAt = performance.now();
  const warmEnd = startAt + warmupS * 1000;
  const end = warmEnd + durationS * 1000;
  const meter = cpuMeter(system);
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  const load0 = os.loadavg()[0];
  const cpuDone = (async () => {
    await sleep(warmupS * 1000);
    await meter.start();
    await sleep(Math.max(0, end - performance.now()));
    return meter.stop();
  })();
  const inWindow = t => t >= warmEnd && t <= end;
  const worker = async () => {
    for (;;) {
      const t = performance.now();
      if (t >= end) return;
      const [method, url, body] = query[system].request(query.params(rnd));
      try {
        const res = await call(system, method, url, body);
        const done = performance.now();
        if (inWindow(done)) {
          latencies.push(done - t);
          bytes += res.text.length;
        }
      } catch (error) {
        const done = performance.now();
        if (inWindow(done)) {
          latencies.push(done - t);
          errors.push(
            error.status
              ? `${error.status} ${error.body}`
              : String(error.cause ?? error.message),
          );
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = await cpuDone;
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = x => Math.round(x * 10) / 10;
  const ok = latencies.length - errors.length;
  return {
    key: query.key,
    name: query.name,
    system,
    clients: concurrency,
    seconds: durationS,
    requests: latencies.length,
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    rps: round(latencies.length / durationS),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    meanKB: ok > 0 ? round(bytes / ok / 1024) : null,
    serverCpuPercent: cpu.server,
    dbCpuPercent: cpu.db,
    loadavg1mBefore: round(load0),
    loadavg1mAfter: round(os.loadavg()[0]),
  };
}

/** CPU milliseconds per request, server and PostgreSQL together. */
const cpuMs = r =>
  r && r.serverCpuPercent !== null && r.dbCpuPercent !== null && r.rps > 0
    ? Math.round(((r.serverCpuPercent + r.dbCpuPercent) * 10) / r.rps)
    : null;

const ratio = (a, b) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0
    ? Math.round((a / b) * 100) / 100
    : null;

function pairsOf(results) {
  const pairs = [];
  for (const query of queries) {
    const a = results.find(r => r.key === query.key && r.system === 'llm-ops');
    const b = results.find(r => r.key === query.key && r.system === 'mlflow');
    if (!a || !b) continue;
    pairs.push({
      key: query.key,
      name: query.name,
      p50: ratio(a.p50, b.p50),
      p95: ratio(a.p95, b.p95),
      p99: ratio(a.p99, b.p99),
      rps: ratio(a.rps, b.rps),
      cpuPerRequest: ratio(cpuMs(a), cpuMs(b)),
    });
  }
  return pairs;
}

async function main() {
  admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  const startedAt = new Date().toISOString();
  const checks = {};
  let different = 0;
  for (const query of queries) {
    process.stderr.write(`==> ${query.key}: same answers from both systems?\n`);
    checks[query.key] = await checkSameAnswers(query);
    different += checks[query.key].filter(c => !c.same).length;
  }
  const results = [];
  // ABBA order (llm-ops first for one query, MLflow first for the next), so a change of the machine's load
  // over the run does not favour one system.
  for (const [i, query] of queries.entries()) {
    const order = i % 2 === 0 ? ['llm-ops', 'mlflow'] : ['mlflow', 'llm-ops'];
    for (const system of order) {
      process.stderr.write(
        `==> ${query.key} ${system}: ${concurrency} clients, ${warmupS} s warm-up + ${durationS} s\n`,
      );
      const r = await measure(query, system);
      results.push(r);
      process.stderr.write(
        `    ${r.requests} requests, ${r.errors} errors, ${r.rps} req/s, p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms, server CPU ${r.serverCpuPercent} %, db CPU ${r.dbCpuPercent} %\n`,
      );
      for (const s of r.errorSamples) process.stderr.write(`    error: ${s}\n`);
    }
  }
  await admin.end();
  const pairs = pairsOf(results);
  console.log(
    `\n${concurrency} concurrent clients, ${durationS} s per query and system after a ${warmupS} s warm-up:\n`,
  );
  console.log(
    textTable([
      [
        'query',
        'system',
        'requests',
        'errors',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'KB/answer',
        'server CPU %',
        'db CPU %',
        'CPU ms/req',
        'load avg',
      ],
      ...results.map(r => [
        r.key,
        r.system,
        r.requests,
        r.errors,
        r.rps.toFixed(1),
        r.p50.toFixed(1),
        r.p95.toFixed(1),
        r.p99.toFixed(1),
        r.meanKB ?? '-',
        r.serverCpuPercent ?? '-',
        r.dbCpuPercent ?? '-',
        cpuMs(r) ?? '-',
        `${r.loadavg1mBefore} -> ${r.loadavg1mAfter}`,
      ]),
    ]),
  );
  console.log(
    '\nllm-ops / MLflow (latency and CPU: below 1 = llm-ops faster or cheaper; throughput: above 1 = llm-ops more):\n',
  );
  console.log(
    textTable([
      ['query', 'p50', 'p95', 'p99', 'req/s', 'CPU/req'],
      ...pairs.map(p => [
        p.key,
        p.p50 ?? '-',
        p.p95 ?? '-',
        p.p99 ?? '-',
        p.rps ?? '-',
        p.cpuPerRequest ?? '-',
      ]),
    ]),
  );
  if (outFile) {
    fs.writeFileSync(
      outFile,
      JSON.stringify(
        {
          startedAt,
          finishedAt: new Date().toISOString(),
          concurrency,
          durationS,
          warmupS,
          filter: FILTER,
          orderBy: ORDER,
          checks,
          results,
          pairs,
        },
        null,
        2,
      ),
    );
  }
  // A failed llm-ops request or a different answer fails the step; MLflow's own failures (3.17.2 answers
  // an occasional 500 to concurrent runs/search, a race in its lazy import of mlflow.server.auth) are
  // reported with the figures but do not.
  const errorsOf = system =>
    results
      .filter(r => r.system === system)
      .reduce((sum, r) => sum + r.errors, 0);
  if (errorsOf('mlflow') > 0) {
    console.log(
      `\n${errorsOf(
        'mlflow',
      )} MLflow request(s) failed (counted in its figures; samples above)`,
    );
  }
  if (errorsOf('llm-ops') > 0 || different > 0) {
    console.log(
      `\n${errorsOf(
        'llm-ops',
      )} llm-ops request(s) failed, ${different} answer check(s) differed; details above`,
    );
    process.exitCode = 1;
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
