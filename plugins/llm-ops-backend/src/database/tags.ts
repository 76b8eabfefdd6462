import type { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import { readJsonColumn } from './embeddedJson';

/** The longest key the tag tables hold; JSON Schema (OpenAPI 3.0) cannot bound object keys. */
export const MAX_TAG_KEY = 250;

/** 400 naming the field, instead of a database error, for a key the tables cannot hold. */
export function checkKeys(
  field: string,
  map: Record<string, string> | undefined,
): void {
  for (const key of Object.keys(map ?? {})) {
    if (key.length === 0 || key.length > MAX_TAG_KEY) {
      throw Object.assign(
        new InputError(
          `Keys of ${field} must be 1 to ${MAX_TAG_KEY} characters long`,
        ),
        { field },
      );
    }
  }
}

/** Tags of many resources in one query, keyed by resource id. */
export async function loadTags(
  db: Knex,
  resourceIds: string[],
): Promise<Map<string, Record<string, string>>> {
  const byId = new Map<string, Record<string, string>>();
  if (resourceIds.length === 0) return byId;
  const rows = await db('tags')
    .whereIn('resource_id', resourceIds)
    .select('resource_id', 'key', 'value');
  for (const row of rows) {
    const tags = byId.get(row.resource_id) ?? {};
    tags[row.key] = row.value;
    byId.set(row.resource_id, tags);
  }
  return byId;
}

/** The tags a query selected with tagsColumn (embeddedJson.ts). */
export function tagsFromColumn(value: unknown): Record<string, string> {
  return readJsonColumn<Record<string, string>>(value) ?? {};
}

/**
 * Sets the given tags of a resource: each key given is inserted or overwritten; an empty string
 * value removes the key (the way to delete a tag through PATCH). Other keys are kept.
 */
export async function upsertTags(
  db: Knex,
  resourceId: string,
  tags: Record<string, string> | undefined,
): Promise<void> {
  if (!tags) return;
  checkKeys('tags', tags);
  const entries = Object.entries(tags);
  const removed = entries.filter(([, v]) => v === '').map(([k]) => k);
  const kept = entries.filter(([, v]) => v !== '');
  if (removed.length > 0) {
    await db('tags')
      .where('resource_id', resourceId)
      .whereIn('key', removed)
      .delete();
  }
  if (kept.length > 0) {
    await db('tags')
      .insert(
        kept.map(([key, value]) => ({ resource_id: resourceId, key, value })),
      )
      .onConflict(['resource_id', 'key'])
      .merge(['value']);
  }
}
