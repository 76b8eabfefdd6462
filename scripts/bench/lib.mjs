// Shared by the benchmark scripts: module resolution through the llm-ops backend package (so
// no new root dependency is needed), the data set's scale, and small formatting helpers.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
export const PLUGIN_DIR = path.join(ROOT, 'plugins/llm-ops-backend');
export const MIGRATIONS_DIR = path.join(PLUGIN_DIR, 'migrations');

// pg and knex are dependencies of the llm-ops backend; resolve them from there.
export const pluginRequire = createRequire(
  path.join(PLUGIN_DIR, 'package.json'),
);
export const pg = pluginRequire('pg');
export const knexFactory = pluginRequire('knex');

/** The data set; the marker table records it, a different scale means a re-seed. */
export const SCALE = {
  experiments: 10_000,
  bigExperiments: 10, // experiments 1..10 hold 20,000 runs each
  runsInBigExperiments: 200_000,
  runs: 1_000_000,
  paramsPerRun: 3,
  tagsPerRun: 2,
  latestMetricsPerRun: 3,
  seriesRuns: 1_000, // runs with a full `loss` history
  pointsPerSeries: 10_000,
  datasets: 1_000,
  versionsPerDataset: 3,
  endpoints: 100,
  owners: 20,
};

export const OWNERS = [
  'nlp-research',
  'vision',
  'speech',
  'search-ranking',
  'recsys',
  'fraud',
  'forecasting',
  'ml-platform',
  'llm-apps',
  'safety',
  'ads',
  'growth',
  'payments-risk',
  'support-ai',
  'maps',
  'health-ai',
  'robotics',
  'data-quality',
  'eval',
  'infra-ml',
].map(name => `group:default/${name}`);

export function dbUrl(database) {
  const base =
    process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:55432';
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export const BENCH_DB = process.env.BENCH_DB ?? 'llm_ops_bench';

export function fmtSeconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A plain text table: rows of cells, the first row is the header; numbers align right. */
export function textTable(rows) {
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(r => String(r[i]).length)),
  );
  const line = r =>
    r
      .map((c, i) =>
        typeof c === 'number' || /^[\d.,]+$/.test(String(c))
          ? String(c).padStart(widths[i])
          : String(c).padEnd(widths[i]),
      )
      .join('  ');
  return [
    line(rows[0]),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** Markdown table: rows of cells, the first row is the header. */
export function markdownTable(rows, align) {
  const head = `| ${rows[0].join(' | ')} |`;
  const sep = `| ${rows[0]
    .map((_, i) => (align?.[i] === 'r' ? '---:' : '---'))
    .join(' | ')} |`;
  return [head, sep, ...rows.slice(1).map(r => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
}
