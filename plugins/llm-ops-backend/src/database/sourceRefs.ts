import type { Knex } from 'knex';

/** Records (or refreshes) where a resource lives in a tool, confirmed now. */
export async function upsertSourceRef(
  db: Knex,
  ref: {
    integration: string;
    resourceType: string;
    externalId: string;
    resourceId: string;
    url?: string | null;
  },
): Promise<void> {
  await db('source_refs')
    .insert({
      integration: ref.integration,
      resource_type: ref.resourceType,
      external_id: ref.externalId,
      resource_id: ref.resourceId,
      url: ref.url ?? null,
      synced_at: Date.now(),
    })
    .onConflict(['integration', 'resource_type', 'external_id'])
    .merge(['resource_id', 'url', 'synced_at']);
}

/** The tool's id of an llm-ops resource, if the tool knows it yet. */
export async function externalIdOf(
  db: Knex,
  integration: string,
  resourceType: string,
  resourceId: string,
): Promise<string | undefined> {
  const row = await db('source_refs')
    .where({
      integration,
      resource_type: resourceType,
      resource_id: resourceId,
    })
    .first('external_id');
  return row?.external_id;
}

/** The llm-ops id of a tool's resource, if it is known. */
export async function resourceIdOf(
  db: Knex,
  integration: string,
  resourceType: string,
  externalId: string,
): Promise<string | undefined> {
  const row = await db('source_refs')
    .where({
      integration,
      resource_type: resourceType,
      external_id: externalId,
    })
    .first('resource_id');
  return row?.resource_id;
}
