// The section "llm-ops vs MLflow" of docs/benchmarks.md, between the mlflow:start and mlflow:end markers.
// report.mjs rewrites the rest of that page on every `make bench` (it keeps only its Findings), so run.sh saves
// this section before report.mjs runs and puts it back afterwards; side-by-side.sh then replaces it with the
// new results. The notes block inside the section (mlflow-notes markers) is written by hand and kept.
//
// Usage: node doc.mjs save DOC FILE      copies the section (if any) to FILE
//        node doc.mjs restore DOC FILE   appends the section saved in FILE when DOC no longer has one
//        node doc.mjs write DOC DIR      writes the section from DIR/{load,compare}.json
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, dbUrl, markdownTable, pg } from '../lib.mjs';

const START =
  '<!-- mlflow:start (written by scripts/bench/mlflow/doc.mjs; the notes block is kept) -->';
const END = '<!-- mlflow:end -->';
const NOTES_START = '<!-- mlflow-notes:start (edit freely) -->';
const NOTES_END = '<!-- mlflow-notes:end -->';
const HEADING = '## llm-ops vs MLflow';

const [command, docPath, arg] = process.argv.slice(2);
const readDoc = () =>
  fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '';

/** The section, heading included, or undefined. */
function sectionOf(doc) {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) return undefined;
  const heading = doc.lastIndexOf(HEADING, start);
  return doc.slice(heading >= 0 ? heading : start, end + END.length);
}

async function format(text) {
  const prettier = createRequire(path.join(ROOT, 'package.json'))('prettier');
  const options = (await prettier.resolveConfig(docPath)) ?? {};
  return prettier.format(text, { ...options, filepath: docPath });
}

async function put(section) {
  const doc = readDoc();
  const old = sectionOf(doc);
  const next = old
    ? doc.replace(old, section)
    : `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(docPath, await format(next));
}

const fmt = (x, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x)
    ? '-'
    : Number(x).toLocaleString('en', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
const secs = ms => `${(ms / 1000).toFixed(1)} s`;
/** CPU milliseconds per request, server and PostgreSQL together: less sensitive to a busy machine than latency. */
const cpuPerRequest = r =>
  r.serverCpuPercent === null || r.dbCpuPercent === null || !(r.rps > 0)
    ? null
    : ((r.serverCpuPercent + r.dbCpuPercent) * 10) / r.rps;

async function write(dir) {
  const read = name =>
    JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  const load = read('load.json');
  const cmp = read('compare.json');
  const mlflowVersion = load.mlflow ?? '?';
  const old = sectionOf(readDoc()) ?? '';
  const notesStart = old.indexOf(NOTES_START);
  const notesEnd = old.indexOf(NOTES_END);
  const notes =
    notesStart >= 0 && notesEnd > notesStart
      ? old.slice(notesStart + NOTES_START.length, notesEnd).trim()
      : '_No notes yet._';

  const db = new pg.Client({ connectionString: dbUrl('postgres') });
  await db.connect();
  const sizes = Object.fromEntries(
    (
      await db.query(
        `select datname, pg_size_pretty(pg_database_size(datname)) as size from pg_database where datname = any($1)`,
        [
          [
            process.env.BENCH_DB ?? 'llm_ops_bench',
            process.env.BENCH_MLFLOW_DB ?? 'mlflow_bench',
          ],
        ],
      )
    ).rows.map(r => [r.datname, r.size]),
  );
  const pgVersion = (await db.query('show server_version')).rows[0]
    .server_version;
  await db.end();

  const cpuModel =
    (fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? 'unknown CPU';
  const loads = cmp.results.flatMap(r => [r.loadavg1mBefore, r.loadavg1mAfter]);
  const scale = load.source.scale;
  const rows = load.rows ?? {};
  const n = x => (x === undefined ? '-' : Number(x).toLocaleString('en'));

  const loadTable = markdownTable(
    [
      ['step', 'time'],
      ...load.timings.map(t => [t.step, secs(t.ms)]),
      ['**total**', `**${secs(load.totalMs)}**`],
    ],
    ['l', 'r'],
  );
  const resultTable = markdownTable(
    [
      [
        'query',
        'system',
        'requests',
        'errors',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'KB / answer',
        'server CPU',
        'PostgreSQL CPU',
        'CPU ms / request',
        'load avg',
      ],
      ...cmp.results.map(r => [
        `**${r.key}** ${r.name}`,
        r.system === 'mlflow' ? 'MLflow' : 'llm-ops',
        n(r.requests),
        n(r.errors),
        fmt(r.rps),
        fmt(r.p50),
        fmt(r.p95),
        fmt(r.p99),
        fmt(r.meanKB),
        r.serverCpuPercent === null ? '-' : `${r.serverCpuPercent} %`,
        r.dbCpuPercent === null ? '-' : `${r.dbCpuPercent} %`,
        fmt(cpuPerRequest(r), 0),
        `${r.loadavg1mBefore} → ${r.loadavg1mAfter}`,
      ]),
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  const ratioTable = markdownTable(
    [
      [
        'query',
        'p50 llm-ops / MLflow',
        'p95 llm-ops / MLflow',
        'p99 llm-ops / MLflow',
        'req/s llm-ops / MLflow',
        'CPU per request llm-ops / MLflow',
      ],
      ...cmp.pairs.map(p => {
        const of = system =>
          cpuPerRequest(
            cmp.results.find(r => r.key === p.key && r.system === system),
          );
        const cpu =
          of('llm-ops') !== null && of('mlflow') > 0
            ? of('llm-ops') / of('mlflow')
            : null;
        return [
          `**${p.key}** ${p.name}`,
          fmt(p.p50, 2),
          fmt(p.p95, 2),
          fmt(p.p99, 2),
          fmt(p.rps, 2),
          fmt(cpu, 2),
        ];
      }),
    ],
    ['l', 'r', 'r', 'r', 'r', 'r'],
  );
  const checkLines = Object.entries(cmp.checks).map(([key, checks]) => {
    const same = checks.every(c => c.same);
    const items = checks
      .map(c => `${c.items['llm-ops']} / ${c.items.mlflow}`)
      .join(', ');
    const enc = checks[0]?.encodings ?? {};
    return `- **${key}**: ${
      same ? 'same answers' : '**different answers**'
    } for ${
      checks.length
    } parameter sets (items llm-ops / MLflow: ${items}); compression: llm-ops ${
      enc['llm-ops'] ?? '?'
    }, MLflow ${enc.mlflow ?? '?'}.`;
  });

  const failed = cmp.results.filter(r => r.errors > 0);
  const errorLines =
    failed.length === 0
      ? 'No request failed.\n'
      : `Failed requests (counted in the figures above):\n\n${failed
          .map(
            r =>
              `- ${r.key} ${r.system === 'mlflow' ? 'MLflow' : 'llm-ops'}: ${
                r.errors
              } × ${r.errorSamples
                .map(e => `\`${e.replace(/\s+/g, ' ').slice(0, 80)}\``)
                .join(', ')}`,
          )
          .join('\n')}\n`;

  const section = `${HEADING}

${START}

\`make bench\` ends with \`scripts/bench/side-by-side.sh\` (\`BENCH_MLFLOW=0\` skips it; it also runs on its own).
It loads the benchmark's data set into a real MLflow server on the same PostgreSQL server and sends the
same queries to MLflow's REST API and to \`/llm-ops/v1\` in the same run.

### Setup

- Date: ${cmp.startedAt} to ${cmp.finishedAt}.
- Machine: ${os.cpus().length} cores (${cpuModel}), ${(
    os.totalmem() /
    2 ** 30
  ).toFixed(
    1,
  )} GiB RAM, **shared**: other engineers' builds and tests ran on the same 2 cores. The
  1-minute load average ranged from ${Math.min(...loads)} to ${Math.max(
    ...loads,
  )} during the measurements (2 means both cores busy).
  Every figure below is inflated by that load, for both systems alike. Compare the ratios, not the absolute values.
- MLflow ${mlflowVersion} (\`mlflow server\` as shipped: uvicorn with FastAPI and the Flask app behind WSGI,
  ${
    process.env.BENCH_MLFLOW_WORKERS ?? 1
  } worker, SQLAlchemy's default pool), in its own venv \`.tools/venv-mlflow-bench\`
  (\`scripts/bench/mlflow/requirements.txt\`: the project's pinned MLflow plus \`psycopg2-binary\`), with
  \`--backend-store-uri postgresql+psycopg2://…/${
    process.env.BENCH_MLFLOW_DB ?? 'mlflow_bench'
  }\` on port ${process.env.BENCH_MLFLOW_PORT ?? 7208}.
- llm-ops: the portal backend as in the benchmark above (one Node process, \`NODE_ENV=production\`, knex pool of
  at most 10 connections), except that the catalog's llm-ops entity provider is off (it would sync the
  11,000 assets in the same process during the measurements), on \`${
    process.env.BENCH_DB ?? 'llm_ops_bench'
  }\`.
- Both on PostgreSQL ${pgVersion} (the same server), databases of ${
    sizes[process.env.BENCH_DB ?? 'llm_ops_bench'] ?? '?'
  } (llm-ops, with datasets and endpoints) and ${
    sizes[process.env.BENCH_MLFLOW_DB ?? 'mlflow_bench'] ?? '?'
  } (MLflow).
- Client: \`scripts/bench/mlflow/compare.mjs\`, the closed loop of \`load.mjs\`: ${
    cmp.concurrency
  } concurrent clients per query and system,
  ${cmp.warmupS} s warm-up, then ${
    cmp.durationS
  } s measured: the requests that complete in it (those still running at its end are waited for, not
  counted). Node's \`fetch\` over loopback (asks for gzip). Each client draws the same
  sequence of parameters on both systems. The two systems alternate in ABBA order over the queries.
  _server CPU_ is the server's process tree, _PostgreSQL CPU_ the PostgreSQL backends connected to that
  system's database, both in % of one core; _CPU ms / request_ is both together divided by the requests,
  the figure the busy machine distorts least.

### Data set: the full one, on both sides

The same rows on both sides: ${n(scale.experiments)} experiments, ${n(
    scale.runs,
  )} runs, ${n(scale.seriesRuns * scale.pointsPerSeries)} metric points
(${n(scale.seriesRuns)} series of ${n(
    scale.pointsPerSeries,
  )} points) and, per run, 3 params, 2 tags and 3 latest metrics.
MLflow's tables hold ${n(
    rows.experiments,
  )} experiments (plus its Default experiment),
${n(rows.experiment_tags)} experiment tags, ${n(rows.runs)} runs, ${n(
    rows.tags,
  )} run tags (with the \`mlflow.runName\` tag MLflow adds),
${n(rows.params)} params, ${n(rows.latest_metrics)} latest metrics and ${n(
    rows.metrics,
  )} metric rows: the ${n(
    scale.seriesRuns * scale.pointsPerSeries,
  )} points, plus the one logged value behind each latest metric
without a series, since MLflow stores every logged value in \`metrics\`.

How it was loaded (\`scripts/bench/mlflow/load.py\`, ${
    load.loaded
      ? 'loaded in this run'
      : `loaded ${load.loadedAt}, reused in this run`
  }):
MLflow's own \`SqlAlchemyStore\` creates the schema in an empty database (the same \`create_all\` and Alembic
migrations that \`mlflow server\` runs on its first start). Then the bulk tables' keys, indexes and foreign keys
are dropped. The rows are streamed from \`${
    process.env.BENCH_DB ?? 'llm_ops_bench'
  }\` with \`COPY … TO STDOUT\` into \`COPY … FROM STDIN\`, shaped as \`SqlAlchemyStore\` writes them
(\`create_experiment\`, \`create_run\`, \`log_batch\`, \`delete_experiment\`). Everything is re-created from its
own definition, and the schema's fingerprint must equal the one MLflow created. Then \`VACUUM (ANALYZE)\`, and
a sample of runs and a series are read back through \`SqlAlchemyStore\` and compared with the source.
The seed's SCHEDULED runs have no start time in llm-ops. They get their creation time in MLflow, because
MLflow's \`RunInfo\` refuses a run without one. The whole set loads well within the 20 minutes allowed, so no
smaller set was needed:

${loadTable}

### Queries

| query | llm-ops | MLflow |
| --- | --- | --- |
| **q1a** | \`GET /v1/experiments?q=<term>&orderBy=-updatedAt&pageSize=50\` | \`POST experiments/search\` \`name ILIKE '%<term>%'\`, \`last_update_time DESC\`, \`max_results\` 50 |
| **q1b** | \`GET /v1/experiments?tag=domain=<d>&orderBy=-updatedAt&pageSize=50\` | \`POST experiments/search\` \`tags.domain = '<d>'\`, \`last_update_time DESC\`, 50 |
| **q2a** / **q2b** | \`POST /v1/runs/search\` \`${cmp.filter}\`, \`${
    cmp.orderBy
  }\`, pageSize 100 | \`POST runs/search\`, the same filter and order, \`max_results\` 100 |
| **q3** | \`GET /v1/runs/<id>/metrics/loss/history?pageSize=10000\` | \`GET metrics/get-history?metric_key=loss&max_results=10000\` |
| **q3d** (reference) | \`…/history?maxPoints=500\` (min/max per bucket) | \`GET /ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?max_results=500\` (what MLflow's UI charts use) |

q1a terms: summarization, lora, whisper, retrieval, distill, llama3-qa, vit-segmentation, 0042. q2a: 5
random experiments of ~80 runs; q2b: one of the 10 experiments of 20,000 runs; q3/q3d: one of the 1,000 runs
with a 10,000-point series.

Before the measurements, each query went to both systems with the same parameters:

${checkLines.join('\n')}

### Results: ${cmp.concurrency} concurrent clients

${resultTable}

${errorLines}
### Ratios

${ratioTable}

Latency and CPU ratios below 1 and throughput ratios above 1 mean llm-ops is faster or cheaper.

### Notes

${NOTES_START}

${notes}

${NOTES_END}

${END}`;
  await put(section);
  process.stderr.write(
    `==> wrote the section "llm-ops vs MLflow" of ${path.relative(
      process.cwd(),
      docPath,
    )}\n`,
  );
}

if (command === 'save') {
  fs.writeFileSync(arg, sectionOf(readDoc()) ?? '');
} else if (command === 'restore') {
  const saved = fs.existsSync(arg) ? fs.readFileSync(arg, 'utf8') : '';
  if (saved && !sectionOf(readDoc())) await put(saved);
} else if (command === 'write') {
  await write(arg);
} else {
  console.error('usage: node doc.mjs save|restore|write DOC FILE|DIR');
  process.exit(2);
}
