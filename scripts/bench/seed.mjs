// Creates the benchmark database (BENCH_DB, default llm_ops_bench), applies the llm-ops
// migrations with knex, and seeds it with set-based SQL (INSERT ... SELECT generate_series).
// Skips everything when the marker table says the same data set on the same schema is there,
// unless BENCH_RESEED=1. Prints the time of each step, and writes them to the JSON file given
// as the first argument (read by report.mjs).
//
// Speed: the bulk tables' foreign keys, primary keys and indexes are dropped before the load
// and re-created from their own definitions afterwards (pg_get_constraintdef/indexdef), so the
// final schema is exactly what the migrations create, with validated foreign keys.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import {
  BENCH_DB,
  MIGRATIONS_DIR,
  OWNERS,
  SCALE,
  dbUrl,
  fmtSeconds,
  knexFactory,
  pg,
} from './lib.mjs';

const outFile = process.argv[2];
const reseed = process.env.BENCH_RESEED === '1';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26); // fixed, so every seed is the same data set
const timings = [];

function log(message) {
  process.stderr.write(`==> ${message}\n`);
}

async function step(name, fn) {
  const started = performance.now();
  const result = await fn();
  const ms = performance.now() - started;
  timings.push({ step: name, ms: Math.round(ms) });
  log(`${name.padEnd(58)} ${fmtSeconds(ms).padStart(8)}`);
  return result;
}

const wanted = { scale: SCALE, version: 5 };

// Tables that are not the plugin's schema: knex's bookkeeping, the marker, and what Backstage
// itself creates in a plugin's database (the scheduler's backstage_backend_tasks__* tables).
const NOT_SCHEMA = `array['bench_seed_info', 'knex_migrations%', 'backstage_backend_%']`;
const FINGERPRINT_SQL = `
  select string_agg(line, E'\\n' order by line) as text from (
    select 'col ' || c.table_name || '.' || c.column_name || ' ' || c.data_type || ' ' || coalesce(c.character_maximum_length::text, '')
           || ' ' || c.is_nullable || ' ' || coalesce(c.column_default, '') as line
    from information_schema.columns c
    where c.table_schema = 'public' and not (c.table_name::text like any (${NOT_SCHEMA}))
    union all
    select 'idx ' || pg_get_indexdef(i.indexrelid) from pg_index i join pg_class t on t.oid = i.indrelid
    where t.relnamespace = 'public'::regnamespace and not (t.relname::text like any (${NOT_SCHEMA}))
    union all
    select 'con ' || c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
    from pg_constraint c join pg_class t on t.oid = c.conrelid
    where c.connamespace = 'public'::regnamespace and not (t.relname::text like any (${NOT_SCHEMA}))
  ) lines`;

async function fingerprint(database) {
  const db = new pg.Client({ connectionString: dbUrl(database) });
  await db.connect();
  try {
    const { rows } = await db.query(FINGERPRINT_SQL);
    return createHash('sha256')
      .update(rows[0].text ?? '')
      .digest('hex');
  } finally {
    await db.end();
  }
}

async function migrate(database) {
  const knex = knexFactory({ client: 'pg', connection: dbUrl(database) });
  try {
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
  } finally {
    await knex.destroy();
  }
}

/** The schema the migrations in the tree create today, fingerprinted in a scratch database. */
async function currentSchemaFingerprint() {
  const scratch = `${BENCH_DB}_schema`;
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await admin.query(`create database ${scratch}`);
    await migrate(scratch);
    return await fingerprint(scratch);
  } finally {
    await admin.query(`drop database if exists ${scratch} with (force)`);
    await admin.end();
  }
}

async function existingMarker() {
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  const { rowCount } = await admin.query(
    'select 1 from pg_database where datname = $1',
    [BENCH_DB],
  );
  await admin.end();
  if (rowCount === 0) return { reason: 'the database does not exist' };
  const db = new pg.Client({ connectionString: dbUrl(BENCH_DB) });
  await db.connect();
  let stored;
  try {
    const marker = await db
      .query(`select value from bench_seed_info where key = 'dataset'`)
      .catch(() => ({ rows: [] }));
    if (marker.rows.length === 0)
      return {
        reason: 'no complete seed recorded (marker table empty or missing)',
      };
    stored = JSON.parse(marker.rows[0].value);
    if (
      JSON.stringify(stored.scale) !== JSON.stringify(wanted.scale) ||
      stored.version !== wanted.version
    ) {
      return { reason: 'the data set definition changed' };
    }
    const { rows } = await db.query(
      `select (select count(*) from runs) as runs, (select count(*) from assets where kind = 'experiment') as experiments`,
    );
    if (
      Number(rows[0].runs) < SCALE.runs ||
      Number(rows[0].experiments) < SCALE.experiments
    ) {
      return { reason: 'rows are missing' };
    }
  } finally {
    await db.end();
  }
  // New migration files are applied like an upgrade would; an edited one means a re-seed.
  const want = await currentSchemaFingerprint();
  await migrate(BENCH_DB);
  if ((await fingerprint(BENCH_DB)) !== want) {
    return { reason: 'its schema differs from what the migrations create now' };
  }
  return { ok: true, seededAt: stored.seededAt, timings: stored.timings };
}

/** Drops the foreign keys, keys and indexes of the tables; returns the SQL that re-creates them. */
async function dropConstraintsAndIndexes(db, tables) {
  const oids = (
    await db.query(
      `select oid from pg_class where relname = any($1) and relnamespace = 'public'::regnamespace`,
      [tables],
    )
  ).rows.map(r => r.oid);
  const fks = (
    await db.query(
      `select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def from pg_constraint
       where contype = 'f' and (conrelid = any($1) or confrelid = any($1)) order by conname`,
      [oids],
    )
  ).rows;
  const keys = (
    await db.query(
      `select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def, contype from pg_constraint
       where contype in ('p', 'u') and conrelid = any($1) order by contype, conname`,
      [oids],
    )
  ).rows;
  const indexes = (
    await db.query(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
       where i.indrelid = any($1) and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
       order by 1`,
      [oids],
    )
  ).rows;
  for (const fk of fks)
    await db.query(`alter table ${fk.tbl} drop constraint "${fk.conname}"`);
  for (const key of keys)
    await db.query(`alter table ${key.tbl} drop constraint "${key.conname}"`);
  for (const index of indexes) await db.query(`drop index ${index.name}`);
  return {
    keysAndIndexes: [
      ...keys.map(k => ({
        table: k.tbl,
        sql: `alter table ${k.tbl} add constraint "${k.conname}" ${k.def}`,
      })),
      ...indexes.map(i => ({
        table: i.def.match(/ ON (?:ONLY )?(\S+)/)[1].replace(/^public\./, ''),
        sql: i.def,
      })),
    ],
    foreignKeys: fks.map(fk => ({
      table: fk.tbl,
      sql: `alter table ${fk.tbl} add constraint "${fk.conname}" ${fk.def}`,
    })),
  };
}

const arr = values => `(array[${values.map(v => `'${v}'`).join(',')}])`;
const pick = (values, rnd = 'random()') =>
  `(${arr(values)})[1 + floor(${rnd} * ${values.length})::int]`;
const PROJECTS = [
  'llama3',
  'mistral',
  'bert',
  't5',
  'gpt2',
  'whisper',
  'clip',
  'resnet50',
  'vit',
  'xgboost',
  'detr',
  'sam',
];
const TASKS = [
  'sentiment',
  'summarization',
  'qa',
  'ner',
  'translation',
  'classification',
  'retrieval',
  'ranking',
  'asr',
  'segmentation',
  'forecasting',
  'churn',
];
const VARIANTS = [
  'finetune',
  'sweep',
  'baseline',
  'ablation',
  'distill',
  'lora',
  'eval',
  'pretrain',
];
const ADJ = [
  'brave',
  'calm',
  'eager',
  'fancy',
  'gentle',
  'happy',
  'jolly',
  'kind',
  'lively',
  'nice',
  'proud',
  'silly',
  'witty',
  'zealous',
  'bold',
  'clever',
];
const ANIMALS = [
  'owl',
  'fox',
  'yak',
  'eel',
  'cat',
  'ant',
  'bee',
  'elk',
  'gnu',
  'hen',
  'koi',
  'lynx',
  'mole',
  'newt',
  'orca',
  'puma',
];

async function seed() {
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await step(`create database ${BENCH_DB} (drop if exists)`, async () => {
    await admin.query(`drop database if exists ${BENCH_DB} with (force)`);
    await admin.query(`create database ${BENCH_DB}`);
  });
  await admin.end();

  await step('apply the llm-ops migrations (knex migrate.latest)', () =>
    migrate(BENCH_DB),
  );

  const db = new pg.Client({ connectionString: dbUrl(BENCH_DB) });
  await db.connect();
  await db.query(`set synchronous_commit = off`);
  await db.query(`set maintenance_work_mem = '1GB'`);
  await db.query(`set work_mem = '256MB'`);
  await db.query(`select setseed(0.42)`);
  const bulkTables = [
    'assets',
    'tags',
    'runs',
    'run_params',
    'run_tags',
    'run_latest_metrics',
    'metric_points',
    'metric_blocks',
    'versions',
  ];
  const rebuild = await step('drop keys and indexes of the bulk tables', () =>
    dropConstraintsAndIndexes(db, bulkTables),
  );

  const n = SCALE;
  await step(
    `experiments: ${n.experiments.toLocaleString('en')} assets + 2 tags each`,
    async () => {
      await db.query(
        `insert into assets (id, kind, name, description, owner, lifecycle, spec, status, created_at, updated_at, deleted_at)
       select md5('exp' || e)::uuid::text, 'experiment',
              ${arr(PROJECTS)}[1 + e % ${PROJECTS.length}] || '-' || ${arr(
          TASKS,
        )}[1 + (e / ${PROJECTS.length}) % ${TASKS.length}]
                || '-' || ${arr(VARIANTS)}[1 + (e / ${
          PROJECTS.length * TASKS.length
        }) % ${VARIANTS.length}] || '-' || lpad(e::text, 5, '0'),
              'Training and evaluation runs of experiment ' || e,
              (${arr(OWNERS)})[1 + (e * 7 + e / 20) % ${OWNERS.length}],
              case when e > ${
                n.bigExperiments
              } and e % 50 = 49 then 'deleted' else 'active' end,
              '{}', '{}', created, created + floor(random() * ${
                30 * DAY
              })::bigint,
              case when e > ${
                n.bigExperiments
              } and e % 50 = 49 then created + ${31 * DAY} end
       from (select e, ${NOW - 730 * DAY} + floor(random() * ${
          700 * DAY
        })::bigint as created
             from generate_series(1, ${n.experiments}) e) s`,
      );
      await db.query(
        `insert into tags (resource_id, key, value)
       select id, k.key, case k.key when 'domain' then ${pick([
         'nlp',
         'vision',
         'speech',
         'tabular',
         'rl',
         'multimodal',
       ])}
                                    else ${pick([
                                      'research',
                                      'staging',
                                      'production',
                                    ])} end
       from assets cross join (values ('domain'), ('stage')) k(key) where kind = 'experiment'`,
      );
    },
  );

  await step(
    `runs: ${n.runs.toLocaleString(
      'en',
    )} (status mix, start times over a year)`,
    async () => {
      // Runs 1..200,000 go to the 10 big experiments (20,000 each), the rest spread evenly
      // (about 80 each) over the other 9,990.
      await db.query(
        `insert into runs (id, experiment_id, name, status, start_time, end_time, lifecycle, created_at, updated_at, deleted_at)
       select md5('run' || i)::uuid::text, md5('exp' || e)::uuid::text,
              ${arr(ADJ)}[1 + i % 16] || '-' || ${arr(
          ANIMALS,
        )}[1 + (i / 16) % 16] || '-' || i,
              status,
              case when status = 'SCHEDULED' then null else t0 end,
              case when status in ('FINISHED', 'FAILED', 'KILLED') then t0 + dur end,
              case when i % 100 = 42 then 'deleted' else 'active' end,
              t0 - 60000,
              case when status in ('FINISHED', 'FAILED', 'KILLED') then t0 + dur else t0 end,
              case when i % 100 = 42 then t0 + dur + ${DAY} end
       from (select i, e, t0, dur,
                    case when r < 0.70 then 'FINISHED' when r < 0.80 then 'FAILED' when r < 0.85 then 'KILLED'
                         when r < 0.95 then 'RUNNING' else 'SCHEDULED' end as status
             from (select i,
                          case when i <= ${
                            n.runsInBigExperiments
                          } then 1 + i % ${n.bigExperiments}
                               else ${n.bigExperiments + 1} + i % ${
          n.experiments - n.bigExperiments
        } end as e,
                          ${NOW - 365 * DAY} + floor(random() * ${
          365 * DAY
        })::bigint as t0,
                          floor(60000 + random() * 6 * 3600000)::bigint as dur,
                          random() as r
                   from generate_series(1, ${n.runs}) i) g) s`,
      );
    },
  );

  await step(
    `run_params: ${(n.runs * 3).toLocaleString(
      'en',
    )} (lr, batch_size, optimizer)`,
    () =>
      db.query(
        `insert into run_params (run_id, experiment_id, key, value)
       select r.id, r.experiment_id, k.key, case k.key
                when 'lr' then ${pick([
                  '0.1',
                  '0.03',
                  '0.01',
                  '0.003',
                  '0.001',
                  '0.0003',
                  '0.0001',
                ])}
                when 'batch_size' then ${pick(['16', '32', '64', '128', '256'])}
                else ${pick(['adam', 'adamw', 'sgd', 'rmsprop'])} end
       from runs r cross join (values ('lr'), ('batch_size'), ('optimizer')) k(key)`,
      ),
  );

  await step(
    `run_tags: ${(n.runs * 2).toLocaleString(
      'en',
    )} (mlflow.user, model_family)`,
    () =>
      db.query(
        `insert into run_tags (run_id, experiment_id, key, value)
       select r.id, r.experiment_id, k.key, case k.key
                when 'mlflow.user' then 'user-' || lpad(floor(random() * 300)::text, 3, '0')
                else ${pick([
                  'llama',
                  'mistral',
                  'bert',
                  't5',
                  'gpt',
                  'whisper',
                  'vit',
                  'xgboost',
                ])} end
       from runs r cross join (values ('mlflow.user'), ('model_family')) k(key)`,
      ),
  );

  await step(
    `run_latest_metrics: ${(n.runs * 3).toLocaleString(
      'en',
    )} (accuracy, loss, f1)`,
    () =>
      db.query(
        `insert into run_latest_metrics (run_id, experiment_id, key, value, step, timestamp)
       select s.id, s.experiment_id, k.key,
              case k.key when 'accuracy' then s.a
                         when 'f1' then greatest(0, s.a - 0.1 * s.r)
                         else 2.2 * (1 - s.a) + 0.05 * s.r end,
              s.step, s.ts
       from (select id, experiment_id, 0.5 + 0.49 * sqrt(random()) as a, random() as r,
                    100 + floor(random() * 9900)::bigint as step,
                    coalesce(end_time, start_time, created_at) as ts
             from runs) s
       cross join (values ('accuracy'), ('loss'), ('f1')) k(key)`,
      ),
  );

  await step(
    `metric_points: ${(n.seriesRuns * n.pointsPerSeries).toLocaleString(
      'en',
    )} (${n.seriesRuns} runs x ${n.pointsPerSeries.toLocaleString(
      'en',
    )} loss points)`,
    async () => {
      // The runs with a full history: run 1000, 2000, ... (a fifth of them in big experiment 1).
      await db.query(
        `create temp table bench_series as
         select k as n, r.id, coalesce(r.start_time, r.created_at) as t0
         from generate_series(1, ${
           n.seriesRuns
         }) k join runs r on r.id = md5('run' || (k * ${
          n.runs / n.seriesRuns
        }))::uuid::text`,
      );
      // Appended the way concurrent runs log: 500-point batches of every run interleaved, so one
      // run's points are spread over the table as in production, not stored contiguously.
      const batch = 500;
      for (let lo = 0; lo < n.pointsPerSeries; lo += batch) {
        await db.query(
          `insert into metric_points (run_id, key, step, timestamp, value)
           select r.id, 'loss', s, r.t0 + s * 1000, 2.5 * exp(-s / 2500.0) + 0.08 + 0.04 * random()
           from bench_series r cross join lateral generate_series($1::int, $2::int) s
           order by r.n, s`,
          [lo, Math.min(lo + batch, n.pointsPerSeries) - 1],
        );
      }
    },
  );

  // What RunStore.logBatch keeps beside the points (src/database/metricBlocks.ts): each
  // series' lowest and highest point per block of 4 steps, in the order the 500-point batches
  // above would have written them (125 blocks of one run, then the next run's).
  await step('metric_blocks: lowest and highest point per 4 steps', () =>
    db.query(
      `insert into metric_blocks (run_id, key, block, lo_value, lo_step, lo_timestamp,
                                  hi_value, hi_step, hi_timestamp)
       select run_id, key, block, lo[1], lo[2]::bigint, lo[3]::bigint,
              hi[1], (-hi[2])::bigint, (-hi[3])::bigint
       from (select run_id, key, step >> 2 as block,
                    min(array[value, step::float8, timestamp::float8]) as lo,
                    max(array[value, -step::float8, -timestamp::float8]) as hi
             from metric_points group by 1, 2, 3) b
       order by block / 125, run_id, block`,
    ),
  );

  await step(
    `datasets: ${n.datasets.toLocaleString('en')} x ${
      n.versionsPerDataset
    } versions; endpoints: ${n.endpoints}`,
    async () => {
      await db.query(
        `insert into assets (id, kind, name, description, owner, lifecycle, spec, status, created_at, updated_at)
         select md5('ds' || d)::uuid::text, 'dataset',
                ${arr([
                  'web',
                  'support-tickets',
                  'reviews',
                  'clicks',
                  'speech',
                  'images',
                  'docs',
                  'code',
                ])}[1 + d % 8] || '-'
                  || ${arr([
                    'en',
                    'de',
                    'fr',
                    'multi',
                    'raw',
                    'clean',
                  ])}[1 + (d / 8) % 6] || '-' || lpad(d::text, 4, '0'),
                'Dataset ' || d, (${arr(OWNERS)})[1 + d % ${
          OWNERS.length
        }], 'active', '{}', '{}',
                ${NOW - 400 * DAY} + d::bigint * ${6 * 3600000}, ${
          NOW - 400 * DAY
        } + d::bigint * ${6 * 3600000} + ${2 * DAY}
         from generate_series(1, ${n.datasets}) d`,
      );
      await db.query(
        `insert into versions (id, asset_id, version, description, spec, created_at, updated_at)
         select md5('dsv' || d || '-' || v)::uuid::text, md5('ds' || d)::uuid::text, 'v' || v, 'Revision ' || v,
                json_build_object('uri', 's3://datasets/ds-' || d || '/v' || v, 'format', 'parquet',
                                  'sizeBytes', (d * 1048576 + v * 4096), 'fileCount', 10 + d % 90)::text,
                ${NOW - 400 * DAY} + d::bigint * ${
          6 * 3600000
        } + v::bigint * ${DAY}, ${NOW - 400 * DAY} + d::bigint * ${
          6 * 3600000
        } + v::bigint * ${DAY}
         from generate_series(1, ${
           n.datasets
         }) d cross join generate_series(1, ${n.versionsPerDataset}) v`,
      );
      await db.query(
        `insert into assets (id, kind, name, description, owner, lifecycle, spec, status, created_at, updated_at)
         select md5('ep' || p)::uuid::text, 'endpoint',
                ${arr(PROJECTS)}[1 + p % ${PROJECTS.length}] || '-' || ${arr(
          TASKS,
        )}[1 + (p / ${PROJECTS.length}) % ${TASKS.length}]
                  || '-serving-' || lpad(p::text, 3, '0'),
                'Serving endpoint ' || p, (${arr(OWNERS)})[1 + p % ${
          OWNERS.length
        }], 'active',
                json_build_object('runtime', 'builtin', 'minReplicas', 1, 'maxReplicas', 3, 'generation', 1,
                                  'url', 'http://serving.example/ep-' || p)::text,
                json_build_object('state', 'Ready')::text,
                ${NOW - 200 * DAY} + p::bigint * ${DAY}, ${
          NOW - 200 * DAY
        } + p::bigint * ${DAY}
         from generate_series(1, ${n.endpoints}) p`,
      );
    },
  );

  const byTable = new Map();
  for (const item of rebuild.keysAndIndexes) {
    if (!byTable.has(item.table)) byTable.set(item.table, []);
    byTable.get(item.table).push(item.sql);
  }
  for (const [table, statements] of byTable) {
    await step(
      `keys and indexes: ${table} (${statements.length})`,
      async () => {
        for (const sql of statements) await db.query(sql);
      },
    );
  }
  await step(
    `foreign keys, validated (${rebuild.foreignKeys.length})`,
    async () => {
      for (const fk of rebuild.foreignKeys) await db.query(fk.sql);
    },
  );
  await step('latest loss of the 1,000 series = their last point', () =>
    db.query(
      `update run_latest_metrics m set value = p.value, step = p.step, timestamp = p.timestamp
       from bench_series r join metric_points p on p.run_id = r.id and p.key = 'loss' and p.step = ${
         n.pointsPerSeries - 1
       }
       where m.run_id = r.id and m.key = 'loss'`,
    ),
  );
  await step('VACUUM (ANALYZE)', () => db.query('vacuum (analyze)'));

  const total = timings.reduce((sum, t) => sum + t.ms, 0);
  await db.query(
    `create table if not exists bench_seed_info (key text primary key, value text not null)`,
  );
  await db.query(
    `insert into bench_seed_info values ('dataset', $1) on conflict (key) do update set value = excluded.value`,
    [
      JSON.stringify({
        ...wanted,
        seededAt: new Date().toISOString(),
        timings,
        totalMs: total,
      }),
    ],
  );
  await db.end();
  log(`${'seeded in total'.padEnd(58)} ${fmtSeconds(total).padStart(8)}`);
  return { seeded: true, timings, totalMs: total };
}

async function main() {
  let result;
  const marker = reseed ? { reason: 'BENCH_RESEED=1' } : await existingMarker();
  if (marker.ok) {
    log(
      `${BENCH_DB} already holds the full data set (seeded ${marker.seededAt}); BENCH_RESEED=1 seeds again`,
    );
    result = {
      seeded: false,
      seededAt: marker.seededAt,
      timings: marker.timings,
      totalMs: marker.timings.reduce((s, t) => s + t.ms, 0),
    };
  } else {
    log(`seeding ${BENCH_DB}: ${marker.reason}`);
    result = await seed();
  }
  if (outFile) fs.writeFileSync(outFile, JSON.stringify(result, null, 2));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
