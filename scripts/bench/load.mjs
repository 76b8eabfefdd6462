// Closed-loop load against a running portal backend: for each scenario, N concurrent clients
// send requests back to back for a warm-up, then for a measured window; each client's next
// request starts when its previous one ends. Prints a table and writes the results as JSON.
//
// Usage: node load.mjs BASE_URL[,BASE_URL...] OUT.json   (token in BENCH_TOKEN; the backends' pids,
//        comma-separated, in BENCH_BACKEND_PID). Requests go to the backends in turn, as a load
//        balancer's round robin would send them.
// Knobs: BENCH_CONCURRENCY (20), BENCH_DURATION (20 s), BENCH_WARMUP (3 s),
//        BENCH_SERIAL_DURATION (5 s of one client per read scenario; 0 skips it),
//        BENCH_SCENARIOS (comma-separated keys, default all).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import os from 'node:os';
import { OWNERS, SCALE, textTable } from './lib.mjs';
import { machineTicks, ticksOf, ticksOfProcessesNamed } from './procCpu.mjs';

const [baseList, outFile] = process.argv.slice(2);
const bases = (baseList ?? '').split(',').filter(Boolean);
const base = bases[0];
const token = process.env.BENCH_TOKEN;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const durationS = Number(process.env.BENCH_DURATION ?? 20);
const warmupS = Number(process.env.BENCH_WARMUP ?? 3);
const serialS = Number(process.env.BENCH_SERIAL_DURATION ?? 5);
const backendPids = (process.env.BENCH_BACKEND_PID ?? '')
  .split(',')
  .filter(Boolean);
const only = process.env.BENCH_SCENARIOS
  ? new Set(process.env.BENCH_SCENARIOS.split(','))
  : undefined;
if (!base || !token) {
  console.error('usage: BENCH_TOKEN=... node load.mjs BASE_URL [OUT.json]');
  process.exit(2);
}
const v1 = `${base}/api/llm-ops/v1`;

// The seed's ids are md5-derived (seed.mjs), so the fixtures need no database round trip.
const uuidOf = text => {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
};
const bigExperiments = Array.from({ length: SCALE.bigExperiments }, (_, i) =>
  uuidOf(`exp${i + 1}`),
);
const normalExperiments = [];
for (let e = SCALE.bigExperiments + 1; e <= SCALE.experiments; e++) {
  if (e % 50 !== 49) normalExperiments.push(uuidOf(`exp${e}`)); // e % 50 = 49 are soft-deleted
}
const seriesRuns = Array.from({ length: SCALE.seriesRuns }, (_, k) =>
  uuidOf(`run${(k + 1) * (SCALE.runs / SCALE.seriesRuns)}`),
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
const FILTER = "metrics.accuracy > 0.9 and params.optimizer = 'adam'";
const ORDER = ['metrics.f1 DESC'];

const rand = list => list[Math.floor(Math.random() * list.length)];
const randomSample = (list, n) => {
  const picked = new Set();
  while (picked.size < n) picked.add(rand(list));
  return [...picked];
};

// Node's http client on a keep-alive pool of one socket per client, not fetch: the load generator
// shares the machine with the backend and PostgreSQL, and fetch cost about twice the CPU per
// request (WHATWG streams, decompression of every answer), CPU the server then lacked. It still
// asks for gzip, as browsers do, so the server compresses as it would for them; an answer is
// decompressed only where the scenario reads it.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

/**
 * One HTTP call; resolves to a function that gives the answer's text (decompressed), and
 * throws { status, body } on a non-2xx answer.
 */
let nextBackend = 0;
function call(method, path, body) {
  // Scenarios build URLs on the first backend; each request goes to the next one in turn.
  const url =
    bases.length > 1
      ? bases[nextBackend++ % bases.length] + path.slice(base.length)
      : path;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'accept-encoding': 'gzip',
          ...(payload === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
        },
      },
      res => {
        const chunks = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = () => {
            const raw = Buffer.concat(chunks);
            return (
              res.headers['content-encoding'] === 'gzip'
                ? zlib.gunzipSync(raw)
                : raw
            ).toString('utf8');
          };
          if (res.statusCode < 200 || res.statusCode >= 300) {
            reject(
              Object.assign(new Error(`HTTP ${res.statusCode}`), {
                status: res.statusCode,
                body: text().slice(0, 300),
              }),
            );
          } else {
            resolve(text);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

let writeCounter = 0;
const scenarios = [
  {
    key: 'a1',
    name: 'experiments: owner filter, -createdAt, page 50',
    read: true,
    op: () =>
      call(
        'GET',
        `${v1}/experiments?owner=${encodeURIComponent(
          rand(OWNERS),
        )}&orderBy=-createdAt&pageSize=50`,
      ),
  },
  {
    key: 'a2',
    name: 'experiments: q name search, name, page 50',
    read: true,
    op: () =>
      call(
        'GET',
        `${v1}/experiments?q=${encodeURIComponent(
          rand(NAME_TERMS),
        )}&orderBy=name&pageSize=50`,
      ),
  },
  {
    key: 'a3',
    name: 'experiments: tag filter, -updatedAt, page 50',
    read: true,
    op: () =>
      call(
        'GET',
        `${v1}/experiments?tag=${encodeURIComponent(
          `domain=${rand(DOMAINS)}`,
        )}&orderBy=-updatedAt&pageSize=50`,
      ),
  },
  {
    key: 'b1',
    name: 'runs search: 5 experiments, metric+param filter, by metric, page 100',
    read: true,
    op: () =>
      call('POST', `${v1}/runs/search`, {
        experimentIds: randomSample(normalExperiments, 5),
        filter: FILTER,
        orderBy: ORDER,
        pageSize: 100,
      }),
  },
  {
    key: 'b2',
    name: 'runs search: 1 experiment of 20k runs, same filter and order, page 100',
    read: true,
    op: () =>
      call('POST', `${v1}/runs/search`, {
        experimentIds: [rand(bigExperiments)],
        filter: FILTER,
        orderBy: ORDER,
        pageSize: 100,
      }),
  },
  {
    key: 'c1',
    name: 'metric history: 10k points raw (pageSize 10000)',
    read: true,
    op: () =>
      call(
        'GET',
        `${v1}/runs/${rand(seriesRuns)}/metrics/loss/history?pageSize=10000`,
      ),
  },
  {
    key: 'c2',
    name: 'metric history: 10k points downsampled (maxPoints 500)',
    read: true,
    op: () =>
      call(
        'GET',
        `${v1}/runs/${rand(seriesRuns)}/metrics/loss/history?maxPoints=500`,
      ),
  },
  {
    key: 'd',
    name: 'write: create run + log a 500-point batch',
    read: false,
    op: async () => {
      const n = ++writeCounter;
      const created = JSON.parse(
        (
          await call('POST', `${v1}/runs`, {
            experimentId: rand(normalExperiments),
            name: `bench-write-${process.pid}-${n}`,
            params: { lr: '0.001', batch_size: '64', optimizer: 'adamw' },
            tags: { 'mlflow.user': 'bench' },
          })
        )(),
      );
      const t0 = Date.now();
      const metrics = Array.from({ length: 500 }, (_, step) => ({
        key: 'loss',
        value: 2.5 * Math.exp(-step / 125) + 0.05 * Math.random(),
        step,
        timestamp: t0 + step * 100,
      }));
      await call('POST', `${v1}/runs/${created.data.id}/batch`, { metrics });
    },
  },
].filter(s => !only || only.has(s.key));

// Where the machine's CPU went during a measurement: the backend, PostgreSQL, this load
// generator (it shares the machine), and the share of all cores that was busy.
function cpuSnapshot() {
  return {
    backend: backendPids.length
      ? backendPids.reduce((sum, pid) => sum + (ticksOf(pid) ?? NaN), 0)
      : undefined,
    postgres: ticksOfProcessesNamed('postgres'),
    self: process.cpuUsage(),
    machine: machineTicks(),
  };
}

function cpuShares(before, after, elapsed) {
  const percent = ticks => Math.round((ticks / 100 / elapsed) * 100);
  const self = process.cpuUsage(before.self);
  const idle = after.machine.idle - before.machine.idle;
  const total = after.machine.total - before.machine.total;
  return {
    backendCpuPercent:
      Number.isFinite(before.backend) && Number.isFinite(after.backend)
        ? percent(after.backend - before.backend)
        : null,
    postgresCpuPercent: percent(after.postgres - before.postgres),
    loadGeneratorCpuPercent: Math.round(
      ((self.user + self.system) / 1e6 / elapsed) * 100,
    ),
    // Of all cores: 100 % means every core was busy the whole time.
    machineBusyPercent: total > 0 ? Math.round((1 - idle / total) * 100) : null,
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function runScenario(scenario, clients, seconds, warmup) {
  const latencies = [];
  const errors = [];
  let phase = 'warmup';
  const startAt = performance.now();
  const warmEnd = startAt + warmup * 1000;
  const end = warmEnd + seconds * 1000;
  let measureStart;
  let cpu0;
  const load0 = os.loadavg()[0];
  const worker = async () => {
    for (;;) {
      const t = performance.now();
      if (t >= end) return;
      if (phase === 'warmup' && t >= warmEnd) {
        phase = 'measure';
        measureStart = t;
        cpu0 = cpuSnapshot();
      }
      const measured = phase === 'measure';
      try {
        await scenario.op();
        if (measured) latencies.push(performance.now() - t);
      } catch (error) {
        if (measured) {
          latencies.push(performance.now() - t);
          errors.push(
            error.status
              ? `${error.status} ${error.body}`
              : String(error.cause ?? error.message),
          );
        }
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const elapsed = (performance.now() - (measureStart ?? startAt)) / 1000;
  const cpu1 = cpuSnapshot();
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = x => Math.round(x * 10) / 10;
  return {
    key: scenario.key,
    name: scenario.name,
    read: scenario.read,
    clients,
    seconds: round(elapsed),
    requests: latencies.length,
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    rps: round(latencies.length / elapsed),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    ...(cpu0
      ? cpuShares(cpu0, cpu1, elapsed)
      : {
          backendCpuPercent: null,
          postgresCpuPercent: null,
          loadGeneratorCpuPercent: null,
          machineBusyPercent: null,
        }),
    loadavg1mBefore: round(load0),
    loadavg1mAfter: round(os.loadavg()[0]),
  };
}

const tableOf = results =>
  textTable([
    [
      'scenario',
      'clients',
      'requests',
      'errors',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'backend CPU %',
      'PostgreSQL CPU %',
      'load generator CPU %',
      'machine busy %',
    ],
    ...results.map(r => [
      `${r.key} ${r.name}`,
      r.clients,
      r.requests,
      r.errors,
      r.rps.toFixed(1),
      r.p50.toFixed(1),
      r.p95.toFixed(1),
      r.p99.toFixed(1),
      r.max.toFixed(1),
      r.backendCpuPercent ?? '-',
      r.postgresCpuPercent ?? '-',
      r.loadGeneratorCpuPercent ?? '-',
      r.machineBusyPercent ?? '-',
    ]),
  ]);

async function main() {
  const startedAt = new Date().toISOString();
  const concurrent = [];
  for (const scenario of scenarios) {
    process.stderr.write(
      `==> ${scenario.key}: ${concurrency} clients, ${warmupS} s warm-up + ${durationS} s\n`,
    );
    const result = await runScenario(scenario, concurrency, durationS, warmupS);
    concurrent.push(result);
    process.stderr.write(
      `    ${result.requests} requests, ${result.errors} errors, ${result.rps} req/s, p50 ${result.p50} p95 ${result.p95} p99 ${result.p99} ms\n`,
    );
    for (const sample of result.errorSamples)
      process.stderr.write(`    error: ${sample}\n`);
  }
  const serial = [];
  if (serialS > 0) {
    for (const scenario of scenarios.filter(s => s.read)) {
      process.stderr.write(
        `==> ${scenario.key}: 1 client, 1 s warm-up + ${serialS} s (service time without queueing)\n`,
      );
      serial.push(await runScenario(scenario, 1, serialS, 1));
    }
  }
  console.log(
    `\n${concurrency} concurrent clients, ${durationS} s per scenario after a ${warmupS} s warm-up:\n`,
  );
  console.log(tableOf(concurrent));
  if (serial.length > 0) {
    console.log(
      `\n1 client, ${serialS} s per read scenario (latency without queueing):\n`,
    );
    console.log(tableOf(serial));
  }
  const errors = concurrent
    .concat(serial)
    .reduce((sum, r) => sum + r.errors, 0);
  if (outFile) {
    fs.writeFileSync(
      outFile,
      JSON.stringify(
        {
          startedAt,
          finishedAt: new Date().toISOString(),
          concurrency,
          backends: bases.length,
          durationS,
          warmupS,
          serialS,
          filter: FILTER,
          orderBy: ORDER,
          concurrent,
          serial,
        },
        null,
        2,
      ),
    );
  }
  if (errors > 0) {
    console.log(`\n${errors} request(s) failed; samples above`);
    process.exitCode = 1;
  }
}

main()
  // Idle keep-alive sockets would keep the process alive.
  .then(() => agent.destroy())
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
