/*
 * The lineage edges leaving every pipeline run, in keyset pages (GET /v1/pipeline-run-edges, read
 * by the catalog's full sync): an index range scan over the pipeline runs' edges in the feed's
 * order. The primary key (from_id, relation, to_id) has that order too, but it interleaves the
 * edges of experiment runs and endpoints, which outnumber those of pipeline runs (12,100 to 1,500
 * in the catalog benchmark), so a page would read and discard all of them on the way.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('lineage_edges', table => {
    table.index(
      ['from_type', 'from_id', 'relation', 'to_id'],
      'lineage_edges_from_type_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('lineage_edges', table => {
    table.dropIndex(
      ['from_type', 'from_id', 'relation', 'to_id'],
      'lineage_edges_from_type_idx',
    );
  });
};
