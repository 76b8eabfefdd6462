import type { Knex } from 'knex';
import { toMillisOrNull } from './conversions';
import { readJsonColumn } from './embeddedJson';

/** Where a resource comes from; `builtin` is the llm-ops store itself. */
export type SourceInfo = {
  integration: string;
  externalId: string | null;
  url: string | null;
  /** When the tool last confirmed the resource, ms; null for built-in resources. */
  syncedAt: number | null;
};

export const BUILTIN_SOURCE: SourceInfo = {
  integration: 'builtin',
  externalId: null,
  url: null,
  syncedAt: null,
};

/** The source of many resources in one query; a resource without a source ref is built-in. */
export async function loadSources(
  db: Knex,
  resourceIds: string[],
): Promise<Map<string, SourceInfo>> {
  const byId = new Map<string, SourceInfo>();
  if (resourceIds.length === 0) return byId;
  const rows = await db('source_refs')
    .whereIn('resource_id', resourceIds)
    .orderBy('integration')
    .select('resource_id', 'integration', 'external_id', 'url', 'synced_at');
  for (const row of rows) {
    if (byId.has(row.resource_id)) continue; // the first integration (by id) is the primary
    byId.set(row.resource_id, {
      integration: row.integration,
      externalId: row.external_id,
      url: row.url ?? null,
      syncedAt: toMillisOrNull(row.synced_at),
    });
  }
  return byId;
}

/** The source a query selected with sourceColumn (embeddedJson.ts); built-in when it has none. */
export function sourceFromColumn(value: unknown): SourceInfo {
  const ref = readJsonColumn<{
    integration: string;
    externalId: string | null;
    url: string | null;
    syncedAt: unknown;
  }>(value);
  if (!ref) return BUILTIN_SOURCE;
  return {
    integration: ref.integration,
    externalId: ref.externalId ?? null,
    url: ref.url ?? null,
    syncedAt: toMillisOrNull(ref.syncedAt),
  };
}
