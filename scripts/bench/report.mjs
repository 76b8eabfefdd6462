// Writes docs/benchmarks.md from the files of the last `make bench` (seed.json, load.json,
// explain.json in .tools/bench). Everything is regenerated except the hand-written analysis
// between the `findings:start` and `findings:end` markers, which is kept as it is.
//
// Usage: node report.mjs BENCH_DIR DOC_PATH
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BENCH_DB, ROOT, SCALE, dbUrl, markdownTable, pg } from './lib.mjs';

const [dir, docPath] = process.argv.slice(2);
const BUDGET_MS = 100;
const read = name => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
const seed = read('seed.json');
const load = read('load.json');
const explain = read('explain.json');

const START =
  '<!-- findings:start (kept by scripts/bench/report.mjs; edit freely) -->';
const END = '<!-- findings:end -->';
const previous = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '';
const kept =
  previous.includes(START) && previous.includes(END)
    ? previous
        .slice(previous.indexOf(START) + START.length, previous.indexOf(END))
        .trim()
    : '_No analysis written yet._';
// Sections other scripts own (llm-ops vs MLflow, the catalog) follow the findings, each between
// its own markers; they are carried over as they are.
const after = previous.includes(END)
  ? previous.slice(previous.indexOf(END) + END.length).trim()
  : '';

const cpuModel =
  (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ??
    [])[1] ??
  os.cpus()[0]?.model ??
  'unknown';
const ramGiB = (os.totalmem() / 2 ** 30).toFixed(1);

const db = new pg.Client({ connectionString: dbUrl(BENCH_DB) });
await db.connect();
const version = (await db.query('show server_version')).rows[0].server_version;
const settings = Object.fromEntries(
  (
    await db.query(
      `select name, setting, unit from pg_settings where name in ('shared_buffers', 'work_mem', 'max_connections', 'max_parallel_workers_per_gather', 'random_page_cost', 'effective_cache_size')`,
    )
  ).rows.map(r => [
    r.name,
    r.unit === '8kB'
      ? `${Math.round((Number(r.setting) * 8) / 1024)} MB`
      : r.unit === 'kB'
      ? `${Math.round(Number(r.setting) / 1024)} MB`
      : r.setting,
  ]),
);
const counts = (
  await db.query(`select
      (select count(*) from assets where kind = 'experiment') as experiments,
      (select count(*) from runs) as runs,
      (select count(*) from run_params) as run_params,
      (select count(*) from run_tags) as run_tags,
      (select count(*) from run_latest_metrics) as run_latest_metrics,
      (select count(*) from metric_points) as metric_points,
      (select count(*) from metric_blocks) as metric_blocks,
      (select count(*) from assets where kind = 'dataset') as datasets,
      (select count(*) from versions) as versions,
      (select count(*) from assets where kind = 'endpoint') as endpoints,
      pg_size_pretty(pg_database_size(current_database())) as size`)
).rows[0];
await db.end();

const n = x => Number(x).toLocaleString('en');
const ms = x => (Number.isFinite(x) ? x.toFixed(1) : '-');
const verdict = r =>
  !r.read
    ? 'n/a (write)'
    : r.errors > 0
    ? 'no (errors)'
    : r.p99 < BUDGET_MS
    ? 'yes'
    : 'no';
const resultTable = results =>
  markdownTable(
    [
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
        'backend CPU',
        'PostgreSQL CPU',
        'load generator CPU',
        'machine busy',
        'load avg',
        `p99 < ${BUDGET_MS} ms`,
      ],
      ...results.map(r => [
        `**${r.key}** ${r.name}`,
        r.clients,
        n(r.requests),
        r.errors,
        r.rps.toFixed(1),
        ms(r.p50),
        ms(r.p95),
        ms(r.p99),
        ms(r.max),
        ...[
          r.backendCpuPercent,
          r.postgresCpuPercent,
          r.loadGeneratorCpuPercent,
          r.machineBusyPercent,
        ].map(p => (p === null || p === undefined ? '-' : `${p} %`)),
        `${r.loadavg1mBefore} → ${r.loadavg1mAfter}`,
        verdict(r),
      ]),
    ],
    [, 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );

const topBuffers = plan =>
  (plan.find(l => /Buffers: shared/.test(l)) ?? '')
    .trim()
    .replace(/^Buffers: /, '');
const planShape = plan =>
  plan
    .filter(
      l => /->|^\S/.test(l) && !/^(Planning|Execution|Buffers)/.test(l.trim()),
    )
    .map(l =>
      l
        .trim()
        .replace(/^->\s+/, '')
        .replace(/\s+\(cost=.*$/, ''),
    )
    .slice(0, 6)
    .join(' ← ');
const explainTable = markdownTable(
  [
    [
      'scenario',
      'statements',
      'store time (one connection)',
      'slowest statement: execution',
      'its buffers',
      'its plan, outermost first',
    ],
    ...explain.cases.map(c => {
      const main = c.queries[c.main];
      return [
        `**${c.key}**`,
        c.queryCount,
        `${c.storeMs} ms`,
        `${main.executionMs} ms`,
        topBuffers(main.plan),
        planShape(main.plan),
      ];
    }),
  ],
  [, 'r', 'r', 'r'],
);

const readsConcurrent = load.concurrent.filter(r => r.read);
const readsSerial = load.serial.filter(r => r.read);
const budgetLines = readsConcurrent.map(r => {
  const single = readsSerial.find(s => s.key === r.key);
  return `- **${r.key}** ${r.name}: p99 ${ms(r.p99)} ms at ${
    r.clients
  } clients (${verdict(r) === 'yes' ? 'meets' : 'misses'} the budget)${
    single
      ? `; ${ms(single.p99)} ms with one client (${
          verdict(single) === 'yes' ? 'meets' : 'misses'
        })`
      : ''
  }.`;
});

const seedRows = (seed.timings ?? []).map(t => [
  t.step,
  `${(t.ms / 1000).toFixed(1)} s`,
]);
const seedNote = seed.seeded
  ? 'This run seeded the database:'
  : `This run reused the data set seeded ${seed.seededAt} (the marker table matched); the times of that seed:`;
const errorsNote = load.concurrent
  .concat(load.serial)
  .filter(r => r.errors > 0)
  .map(
    r => `- **${r.key}**: ${r.errors} error(s), e.g. \`${r.errorSamples[0]}\``,
  )
  .join('\n');

const doc = `# Benchmarks

\`make bench\` measures the \`/llm-ops/v1\` API of the real portal backend on PostgreSQL at the scale of a
large MLflow installation. It is generated by \`scripts/bench/report.mjs\`; only the _Findings_ section is
written by hand (the generator keeps it).

## How to reproduce

\`\`\`sh
make bench                  # seeds once (about 3 minutes), then about 5 minutes per run
BENCH_RESEED=1 make bench   # seed again from scratch
\`\`\`

What it does (\`scripts/bench/run.sh\`):

1. **Seed** (\`seed.mjs\`): creates \`${BENCH_DB}\` on the project's PostgreSQL (\`scripts/services/postgres.sh\`),
   applies the llm-ops migrations with knex, and fills it with set-based SQL (\`INSERT ... SELECT generate_series\`),
   with the bulk tables' keys and indexes dropped during the load and re-created afterwards from their own
   definitions, then \`VACUUM (ANALYZE)\`. A marker table records the data set; the next run reuses it when
   the marker matches and the schema equals what the migrations in the tree create (checked in a scratch
   database), otherwise it seeds again.
2. **Backend**: the portal backend (\`packages/backend\`, all its plugins, real auth, allow-all permission
   policy) on \`127.0.0.1:7207\` with \`backend.database.client: pg\`, a static token, \`NODE_ENV=${
     process.env.BENCH_NODE_ENV ?? 'production'
   }\`,
   and \`backend.database.plugin.llm-ops.connection.database: ${BENCH_DB}\` (Backstage 1.55's per-plugin override;
   the other plugins get databases prefixed \`${BENCH_DB}_\`). The llm-ops plugin uses Backstage's default knex
   pool (at most 10 connections). It runs with the CLI's TypeScript loader but without its file watcher
   (\`scripts/lib/backend.sh\`), and with the catalog's llm-ops entity provider on a manual trigger: it would
   otherwise mirror the 11,000 assets into the catalog in the process under test, during the measurements.
3. **Load** (\`load.mjs\`): per scenario, ${
  load.concurrency
} closed-loop clients (each sends its next request when the previous
   answer arrives) for ${load.warmupS} s of warm-up and ${
  load.durationS
} s measured, over loopback with Node's \`http\` client on keep-alive sockets, asking
   for gzip as browsers do (until 2026-11-26 14:10 UTC Node's \`fetch\`, which took about three times the
   load generator's CPU on this shared machine). Then one client for ${
     load.serialS
   } s per read scenario: latency without queueing.
   Any non-2xx answer is an error.
4. **EXPLAIN** (\`explain.cjs\`): runs the plugin's own stores against the bench database, records every SQL
   statement (knex query events) and runs \`EXPLAIN (ANALYZE, BUFFERS)\` on each. Full plans:
   \`.tools/bench/explain.txt\`.
5. Stops the backend (PostgreSQL keeps running) and deletes the runs the write scenario created.

Knobs: \`BENCH_CONCURRENCY\`, \`BENCH_DURATION\`, \`BENCH_WARMUP\`, \`BENCH_SERIAL_DURATION\`, \`BENCH_SCENARIOS\`
(e.g. \`b1,b2\`), \`BENCH_PORT\`, \`BENCH_NODE_ENV\`, \`BENCH_NO_DOC=1\` (leave this page alone),
\`BENCH_REPLICAS\` (1; N backends behind a round robin),
\`BENCH_CPU_PROFILE=1\` (a V8 CPU profile of the backend in \`.tools/bench/profiles\`; \`node scripts/bench/profile-summary.mjs
FILE --from S --to S\` sums it up by package and function for a window of seconds).

## Last run

- Date: ${(load.startedAt ?? new Date().toISOString()).replace(
  /\.\d+Z$/,
  'Z',
)} (load phase: ${load.startedAt ?? '?'} to ${load.finishedAt ?? '?'})
- Machine: ${os.availableParallelism()} cores (${cpuModel}), ${ramGiB} GiB RAM, Linux ${os.release()}. The backend,
  PostgreSQL and the load generator share it: each scenario shows the CPU of each (100 % = one core)
  and how busy the machine was (100 % = all cores, the whole time; anything else running counts too),
  and the 1-minute load average (before → after).
- PostgreSQL ${version} on loopback (${Object.entries(settings)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')})
- Node ${process.version}; Backstage 1.55

### Data set

${markdownTable(
  [
    ['table / kind', 'rows', 'shape'],
    [
      'experiments (assets)',
      n(counts.experiments),
      `owners among ${SCALE.owners} groups, 2 tags each (domain, stage); 2 % soft-deleted`,
    ],
    [
      'runs',
      n(counts.runs),
      `${SCALE.bigExperiments} experiments with ${n(
        SCALE.runsInBigExperiments / SCALE.bigExperiments,
      )} runs each, the others ~80 each; 70 % FINISHED, 10 % FAILED, 5 % KILLED, 10 % RUNNING, 5 % SCHEDULED; start times over a year; 1 % soft-deleted`,
    ],
    ['run_params', n(counts.run_params), 'lr, batch_size, optimizer per run'],
    ['run_tags', n(counts.run_tags), 'mlflow.user, model_family per run'],
    [
      'run_latest_metrics',
      n(counts.run_latest_metrics),
      'accuracy, loss, f1 per run',
    ],
    [
      'metric_points',
      n(counts.metric_points),
      `${n(SCALE.seriesRuns)} runs x ${n(
        SCALE.pointsPerSeries,
      )} points of \`loss\`, appended in interleaved 500-point batches`,
    ],
    [
      'metric_blocks',
      n(counts.metric_blocks),
      'lowest and highest point of each series per block of 4 steps (what downsampling reads)',
    ],
    [
      'datasets (assets) / versions',
      `${n(counts.datasets)} / ${n(counts.versions)}`,
      `${SCALE.versionsPerDataset} versions each`,
    ],
    ['endpoints (assets)', n(counts.endpoints), ''],
    ['database size', counts.size, ''],
  ],
  [, 'r'],
)}

### Seeding

${seedNote}

${markdownTable(
  [
    ['step', 'time'],
    ...seedRows,
    ['**total**', `**${((seed.totalMs ?? 0) / 1000).toFixed(1)} s**`],
  ],
  [, 'r'],
)}

### Results: ${load.concurrency} concurrent clients

Filter of b1/b2: \`${load.filter}\`, order \`${load.orderBy.join(
  ', ',
)}\`. b1 picks 5 random experiments of
~80 runs per request, b2 one of the 10 experiments of 20,000 runs; c1/c2 a random run among the
1,000 with a 10,000-point series; d creates a run in a random experiment, then logs 500 points to it
(one operation = both requests).

${resultTable(load.concurrent)}

### Results: one client (no queueing)

${resultTable(load.serial)}
${errorsNote ? `\n**Errors:**\n\n${errorsNote}\n` : '\nNo request failed.\n'}
### Database time (EXPLAIN ANALYZE on the bench database, one statement at a time)

${explainTable}

## Budget: p99 under ${BUDGET_MS} ms for every read

${budgetLines.join('\n')}

## Findings

${START}
${kept}
${END}
${after ? `\n${after}\n` : ''}`;

// Formatted like the rest of the repository, so that `prettier --check .` (make test) passes.
const prettier = createRequire(path.join(ROOT, 'package.json'))('prettier');
const options = (await prettier.resolveConfig(docPath)) ?? {};
fs.writeFileSync(
  docPath,
  await prettier.format(doc, { ...options, filepath: docPath }),
);
process.stderr.write(`==> wrote ${path.relative(process.cwd(), docPath)}\n`);
