/*
 * Each metric series' lowest and highest point per block of 4 steps (step >> 2), so that a
 * downsampled history reads a quarter of the rows of a series logged at every step: for a
 * 10,000-point series downsampled to 500 points, 2,500 block rows instead of 10,000 points
 * (docs/architecture.md, "Metric history"). RunStore.logBatch keeps it in step with
 * metric_points (src/database/metricBlocks.ts, whose METRIC_BLOCK_STEPS must stay 4: changing
 * it means a migration that rebuilds this table).
 *
 * Lowest: lowest value, then earliest step, then timestamp. Highest: highest value, then
 * earliest step, then timestamp. On PostgreSQL NaN sorts above every number, as in the
 * database's own order.
 *
 * On an installation with history, the migration reads every stored point once, at the
 * backend's start: about 35 s for 10,000,000 points on the 2-core bench machine.
 */

const BLOCK_SHIFT = 2;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const postgres = knex.client.config.client === 'pg';
  await knex.schema.createTable('metric_blocks', table => {
    table.comment(
      'Lowest and highest point of each metric series per block of 4 steps, for downsampling',
    );
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    table.string('key', 250).notNullable().comment('Metric key');
    table.bigInteger('block').notNullable().comment('step >> 2');
    table.double('lo_value').notNullable();
    table.bigInteger('lo_step').notNullable();
    table.bigInteger('lo_timestamp').notNullable();
    table.double('hi_value').notNullable();
    table.bigInteger('hi_step').notNullable();
    table.bigInteger('hi_timestamp').notNullable();
    if (!postgres) table.primary(['run_id', 'key', 'block']);
  });
  // PostgreSQL: the key carries the points, so a series' blocks are read from the index alone
  // (an index-only scan), however their rows lie in the table: written batch by batch, a long
  // series' blocks are spread over it, and fetching 2,500 of them from the table took 9 times
  // as long (docs/benchmarks.md).
  if (postgres) {
    await knex.raw(`alter table metric_blocks add constraint metric_blocks_pkey
      primary key (run_id, key, block)
      include (lo_value, lo_step, lo_timestamp, hi_value, hi_step, hi_timestamp)`);
  }
  // The points already stored, ranked both ways within their block (window functions: the same
  // statement on PostgreSQL and SQLite).
  const ranked = order => `
    select run_id, key, step >> ${BLOCK_SHIFT} as block, value, step, timestamp,
           row_number() over (partition by run_id, key, step >> ${BLOCK_SHIFT}
                              order by ${order}) as position
    from metric_points`;
  await knex.raw(`
    insert into metric_blocks (run_id, key, block, lo_value, lo_step, lo_timestamp,
                               hi_value, hi_step, hi_timestamp)
    select lo.run_id, lo.key, lo.block, lo.value, lo.step, lo.timestamp,
           hi.value, hi.step, hi.timestamp
    from (${ranked('value asc, step asc, timestamp asc')}) lo
    join (${ranked('value desc, step asc, timestamp asc')}) hi
      on hi.run_id = lo.run_id and hi.key = lo.key and hi.block = lo.block
    where lo.position = 1 and hi.position = 1`);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('metric_blocks');
};
