/*
 * "My experiments" (or models, datasets...): the assets of one owner, newest or most recently
 * changed first, read straight from an index. Before, PostgreSQL walked all assets of the kind in
 * that order and skipped the other owners': about 1,300 rows for a page of 50 among 10,000
 * experiments of 20 owners (docs/benchmarks.md, scenario a1). The old (kind, owner) index is a
 * prefix of both and goes.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('assets', table => {
    table.index(
      ['kind', 'owner', 'created_at', 'id'],
      'assets_kind_owner_created_idx',
    );
    table.index(
      ['kind', 'owner', 'updated_at', 'id'],
      'assets_kind_owner_updated_idx',
    );
    table.dropIndex(['kind', 'owner'], 'assets_kind_owner_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('assets', table => {
    table.index(['kind', 'owner'], 'assets_kind_owner_idx');
    table.dropIndex(
      ['kind', 'owner', 'created_at', 'id'],
      'assets_kind_owner_created_idx',
    );
    table.dropIndex(
      ['kind', 'owner', 'updated_at', 'id'],
      'assets_kind_owner_updated_idx',
    );
  });
};
