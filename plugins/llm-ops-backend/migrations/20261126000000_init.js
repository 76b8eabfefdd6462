/*
 * The llm-ops read model. Times are milliseconds since the epoch in bigint columns, so ordering,
 * keyset cursors and comparisons behave the same on SQLite and PostgreSQL.
 *
 * Named resources (experiments, models, datasets, endpoints, pipelines) share one `assets` table:
 * one id space for lineage, tags and source references. Runs and metrics, the high-volume data,
 * have narrow tables of their own, indexed for the filter language and for keyset pagination.
 */

/*
 * Run search (POST /v1/runs/search) always names its experiments, so run_params, run_tags and
 * run_latest_metrics repeat their run's experiment_id (a run never changes experiment) and are
 * indexed by experiment first: a filter then reads one experiment's entries, not every run's.
 * Param and tag values may be up to 6,000 / 8,000 characters, more than a PostgreSQL btree entry
 * holds, so PostgreSQL indexes the first INDEXED_VALUE_PREFIX characters of the value (the filter
 * compiler compares that prefix next to the exact value; src/query/filterCompiler.ts). SQLite
 * indexes (experiment_id, key, run_id).
 */
const INDEXED_VALUE_PREFIX = 100;

/** @param {import('knex').Knex.CreateTableBuilder} table */
function experimentIdColumn(table) {
  table
    .string('experiment_id', 36)
    .notNullable()
    .comment(
      "The run's experiment (runs.experiment_id), repeated so that a search starts from it",
    );
}

/*
 * Name search (`q=`, lower(name) LIKE '%term%') on PostgreSQL: a trigram GIN index. pg_trgm ships
 * with PostgreSQL (contrib) and is a trusted extension (13+), so a role with CREATE on the
 * database can create it. The index is optional: when the extension cannot be created (no
 * privilege, not installed), the search stays a sequential scan and the migration still
 * succeeds. The extension may already exist in another schema (Backstage's schema-per-plugin
 * mode), so the operator class is qualified with the extension's schema.
 */
const NAME_TRIGRAM_INDEX = 'assets_name_trgm_idx';

/** @param {import('knex').Knex} knex */
async function createNameTrigramIndex(knex) {
  await knex.raw(`
    do $$
    declare
      trgm_schema name;
    begin
      begin
        create extension if not exists pg_trgm;
      exception when others then
        -- Not allowed or not installed: no index (the block's subtransaction is rolled back).
        null;
      end;
      select n.nspname into trgm_schema
        from pg_extension e join pg_namespace n on n.oid = e.extnamespace
        where e.extname = 'pg_trgm';
      if trgm_schema is not null then
        execute format(
          'create index ${NAME_TRIGRAM_INDEX} on assets using gin (lower(name) %I.gin_trgm_ops)',
          trgm_schema
        );
      end if;
    end
    $$`);
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('assets', table => {
    table.comment(
      'Named ML assets: experiments, models, datasets, endpoints, pipelines',
    );
    table.string('id', 36).primary().comment('Stable llm-ops id (UUID)');
    table
      .string('kind', 32)
      .notNullable()
      .comment('experiment | model | dataset | endpoint | pipeline');
    table
      .string('name', 255)
      .notNullable()
      .comment('Unique per kind, also among soft-deleted assets');
    table.text('description').nullable().comment('Free text');
    table
      .string('owner', 255)
      .nullable()
      .comment('Entity ref of the owner, e.g. group:default/nlp');
    table
      .string('lifecycle', 16)
      .notNullable()
      .defaultTo('active')
      .comment('active | deleted');
    table.text('spec').nullable().comment('Kind-specific desired state, JSON');
    table
      .text('status')
      .nullable()
      .comment('Kind-specific observed state, JSON');
    table
      .bigInteger('created_at')
      .notNullable()
      .comment('Creation time, ms since epoch');
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('Last change, ms since epoch');
    table
      .bigInteger('deleted_at')
      .nullable()
      .comment('Soft-delete time, ms since epoch');
    table.unique(['kind', 'name'], { indexName: 'assets_kind_name_uq' });
    table.index(['kind', 'created_at', 'id'], 'assets_kind_created_idx');
    table.index(['kind', 'updated_at', 'id'], 'assets_kind_updated_idx');
    table.index(['kind', 'owner'], 'assets_kind_owner_idx');
  });

  const pg = knex.client.config.client === 'pg';
  if (pg) await createNameTrigramIndex(knex);

  await knex.schema.createTable('tags', table => {
    table.comment('Key/value tags of assets and versions (runs have run_tags)');
    table
      .string('resource_id', 36)
      .notNullable()
      .comment('Id of the asset or version');
    table.string('key', 250).notNullable().comment('Tag key');
    table.text('value').notNullable().comment('Tag value');
    table.primary(['resource_id', 'key']);
  });

  await knex.schema.createTable('source_refs', table => {
    table.comment(
      'Where a resource comes from: one row per integration that knows it',
    );
    table
      .string('integration', 64)
      .notNullable()
      .comment('Integration id, e.g. mlflow:prod');
    table
      .string('resource_type', 32)
      .notNullable()
      .comment('asset kind, run, model-version, ...');
    table.string('external_id', 512).notNullable().comment("The tool's own id");
    table.string('resource_id', 36).notNullable().comment('llm-ops id');
    table
      .text('url')
      .nullable()
      .comment("Link to the resource in the tool's UI");
    table
      .bigInteger('synced_at')
      .nullable()
      .comment('Last time the tool confirmed it, ms');
    table.primary(['integration', 'resource_type', 'external_id']);
    table.index(['resource_id'], 'source_refs_resource_idx');
  });

  await knex.schema.createTable('runs', table => {
    table.comment('Experiment runs');
    table.string('id', 36).primary().comment('Stable llm-ops id (UUID)');
    table
      .string('experiment_id', 36)
      .notNullable()
      .references('id')
      .inTable('assets')
      .onDelete('CASCADE')
      .comment('The experiment (assets.id)');
    table.string('name', 255).notNullable().comment('Run name');
    table
      .string('status', 16)
      .notNullable()
      .comment('RUNNING | SCHEDULED | FINISHED | FAILED | KILLED');
    table.bigInteger('start_time').nullable().comment('ms since epoch');
    table.bigInteger('end_time').nullable().comment('ms since epoch');
    table
      .string('lifecycle', 16)
      .notNullable()
      .defaultTo('active')
      .comment('active | deleted');
    table.bigInteger('created_at').notNullable().comment('ms since epoch');
    table.bigInteger('updated_at').notNullable().comment('ms since epoch');
    table.bigInteger('deleted_at').nullable().comment('Soft-delete time, ms');
    table.index(['updated_at', 'id'], 'runs_updated_idx');
    table.index(['status'], 'runs_status_idx');
  });

  // Serves the default run order (newest first, runs without a start last, then by id).
  // SQLite has no NULLS LAST in index definitions; it sorts NULLs first ascending, so last
  // descending, which is the same order.
  const nullsLast = pg ? ' nulls last' : '';
  await knex.raw(
    `create index runs_experiment_start_idx on runs (experiment_id, start_time desc${nullsLast}, id)`,
  );

  await knex.schema.createTable('run_params', table => {
    table.comment('Run parameters (MLflow params are strings)');
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    experimentIdColumn(table);
    table.string('key', 250).notNullable().comment('Param key');
    table.string('value', 6000).notNullable().comment('Param value');
    table.primary(['run_id', 'key']);
    if (!pg)
      table.index(
        ['experiment_id', 'key', 'run_id'],
        'run_params_experiment_key_idx',
      );
  });
  if (pg) {
    await knex.raw(
      `create index run_params_experiment_key_value_idx on run_params (experiment_id, key, left(value, ${INDEXED_VALUE_PREFIX}), run_id)`,
    );
  }

  await knex.schema.createTable('run_tags', table => {
    table.comment('Run tags');
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    experimentIdColumn(table);
    table.string('key', 250).notNullable().comment('Tag key');
    table.string('value', 8000).notNullable().comment('Tag value');
    table.primary(['run_id', 'key']);
    if (!pg)
      table.index(
        ['experiment_id', 'key', 'run_id'],
        'run_tags_experiment_key_idx',
      );
  });
  if (pg) {
    await knex.raw(
      `create index run_tags_experiment_key_value_idx on run_tags (experiment_id, key, left(value, ${INDEXED_VALUE_PREFIX}), run_id)`,
    );
  }

  await knex.schema.createTable('run_latest_metrics', table => {
    table.comment(
      'The latest value of each metric of each run: what filters and ordering read',
    );
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    experimentIdColumn(table);
    table.string('key', 250).notNullable().comment('Metric key');
    table
      .double('value')
      .notNullable()
      .comment('Value at the highest step (then latest timestamp)');
    table.bigInteger('step').notNullable().comment('Step of that value');
    table.bigInteger('timestamp').notNullable().comment('ms since epoch');
    table.primary(['run_id', 'key']);
    table.index(
      ['experiment_id', 'key', 'value', 'run_id'],
      'run_latest_metrics_experiment_key_value_idx',
    );
  });

  await knex.schema.createTable('metric_points', table => {
    table.comment('Full metric history, append-only');
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    table.string('key', 250).notNullable().comment('Metric key');
    table.bigInteger('step').notNullable().comment('Step');
    table.bigInteger('timestamp').notNullable().comment('ms since epoch');
    table.double('value').notNullable().comment('Value');
    // The same identity as MLflow's SQL store: re-sending a point is harmless.
    table.primary(['run_id', 'key', 'step', 'timestamp', 'value']);
  });

  await knex.schema.createTable('versions', table => {
    table.comment('Versions of models and datasets');
    table.string('id', 36).primary().comment('Stable llm-ops id (UUID)');
    table
      .string('asset_id', 36)
      .notNullable()
      .references('id')
      .inTable('assets')
      .onDelete('CASCADE');
    table
      .string('version', 128)
      .notNullable()
      .comment('Model: 1, 2, ...; dataset: a label or revision');
    table.text('description').nullable().comment('Free text');
    table.text('spec').nullable().comment('Kind-specific fields, JSON');
    table.bigInteger('created_at').notNullable().comment('ms since epoch');
    table.bigInteger('updated_at').notNullable().comment('ms since epoch');
    table.unique(['asset_id', 'version'], {
      indexName: 'versions_asset_version_uq',
    });
    table.index(['asset_id', 'created_at', 'id'], 'versions_asset_created_idx');
  });

  await knex.schema.createTable('aliases', table => {
    table.comment('Model version aliases such as champion');
    table
      .string('asset_id', 36)
      .notNullable()
      .references('id')
      .inTable('assets')
      .onDelete('CASCADE');
    table.string('alias', 128).notNullable().comment('Alias name');
    table
      .string('version_id', 36)
      .notNullable()
      .references('id')
      .inTable('versions')
      .onDelete('CASCADE');
    table.primary(['asset_id', 'alias']);
  });

  await knex.schema.createTable('pipeline_runs', table => {
    table.comment('Runs of pipelines');
    table.string('id', 36).primary().comment('Stable llm-ops id (UUID)');
    table
      .string('pipeline_id', 36)
      .notNullable()
      .references('id')
      .inTable('assets')
      .onDelete('CASCADE');
    table
      .string('name', 255)
      .notNullable()
      .comment('Run name, e.g. the Argo Workflow name');
    table.text('parameters').nullable().comment('Parameters, JSON object');
    table
      .string('phase', 32)
      .notNullable()
      .comment('Pending | Running | Succeeded | Failed | Error');
    table.text('nodes').nullable().comment('Node statuses, JSON array');
    table.bigInteger('started_at').nullable().comment('ms since epoch');
    table.bigInteger('finished_at').nullable().comment('ms since epoch');
    table.bigInteger('created_at').notNullable().comment('ms since epoch');
    table.bigInteger('updated_at').notNullable().comment('ms since epoch');
    table.index(
      ['pipeline_id', 'created_at', 'id'],
      'pipeline_runs_pipeline_created_idx',
    );
    table.index(['phase'], 'pipeline_runs_phase_idx');
  });

  await knex.schema.createTable('lineage_edges', table => {
    table.comment(
      'Typed lineage edges between llm-ops ids, written once by whoever learns them',
    );
    table
      .string('from_type', 32)
      .notNullable()
      .comment('run, pipeline-run, endpoint, ...');
    table.string('from_id', 36).notNullable().comment('llm-ops id');
    table
      .string('relation', 16)
      .notNullable()
      .comment('used | produced | serves | ran');
    table
      .string('to_type', 32)
      .notNullable()
      .comment('dataset-version, model-version, run, ...');
    table.string('to_id', 36).notNullable().comment('llm-ops id');
    table.bigInteger('created_at').notNullable().comment('ms since epoch');
    table.primary(['from_id', 'relation', 'to_id']);
    table.index(['to_id'], 'lineage_edges_to_idx');
  });

  await knex.schema.createTable('idempotency_keys', table => {
    table.comment(
      'Answers to creates sent with an Idempotency-Key, replayed on retries',
    );
    table
      .string('principal', 255)
      .notNullable()
      .comment('Who sent it: user or service ref');
    table
      .string('key', 255)
      .notNullable()
      .comment('The Idempotency-Key header');
    table
      .string('request_hash', 64)
      .notNullable()
      .comment('sha256 of method, path and body');
    table
      .integer('status_code')
      .notNullable()
      .comment('HTTP status of the first answer');
    table.text('response').notNullable().comment('The first answer, JSON');
    table.bigInteger('created_at').notNullable().comment('ms since epoch');
    table.primary(['principal', 'key']);
    table.index(['created_at'], 'idempotency_keys_created_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`drop index if exists ${NAME_TRIGRAM_INDEX}`);
  }
  for (const table of [
    'idempotency_keys',
    'lineage_edges',
    'pipeline_runs',
    'aliases',
    'versions',
    'metric_points',
    'run_latest_metrics',
    'run_tags',
    'run_params',
    'runs',
    'source_refs',
    'tags',
    'assets',
  ]) {
    await knex.schema.dropTable(table);
  }
};
