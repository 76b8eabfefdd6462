/*
 * Durable writes for tools that are down: the outbox, replayed in order by the relay, and the
 * sync watermarks that make incremental sync resumable across restarts.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('outbox', table => {
    table.comment(
      'Writes accepted while their tool was unavailable, replayed in id order',
    );
    table
      .increments('id')
      .primary()
      .comment('Order of acceptance; also what clients follow');
    table
      .string('integration', 64)
      .notNullable()
      .comment('Integration id the write goes to');
    table
      .string('operation', 64)
      .notNullable()
      .comment('e.g. experiment.create, run.logBatch');
    table
      .string('resource_id', 36)
      .notNullable()
      .comment('llm-ops id of the resource written');
    table.text('payload').notNullable().comment('Operation input, JSON');
    table
      .string('state', 16)
      .notNullable()
      .defaultTo('pending')
      .comment('pending | done | failed');
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Replay attempts so far');
    table
      .text('last_error')
      .nullable()
      .comment("The tool's last error, without secrets");
    table.bigInteger('created_at').notNullable().comment('ms since epoch');
    table.bigInteger('updated_at').notNullable().comment('ms since epoch');
    table.bigInteger('done_at').nullable().comment('ms since epoch');
    table.index(['integration', 'state', 'id'], 'outbox_pending_idx');
    table.index(['resource_id'], 'outbox_resource_idx');
  });

  await knex.schema.createTable('sync_state', table => {
    table.comment(
      'Per integration and sync task: the watermark and the last outcome',
    );
    table.string('integration', 64).notNullable().comment('Integration id');
    table
      .string('task', 64)
      .notNullable()
      .comment('e.g. experiments, runs, full');
    table
      .bigInteger('watermark')
      .nullable()
      .comment('Highest update time seen, ms');
    table.bigInteger('last_success_at').nullable().comment('ms since epoch');
    table.bigInteger('last_attempt_at').nullable().comment('ms since epoch');
    table
      .text('last_error')
      .nullable()
      .comment('Last failure, without secrets');
    table.primary(['integration', 'task']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sync_state');
  await knex.schema.dropTable('outbox');
};
