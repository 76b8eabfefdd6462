import type { Knex } from 'knex';
import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  pageOf,
  type KeysetColumn,
} from '../../query';
import { DEFAULT_PAGE_SIZE } from '../../database/AssetStore';
import { toMillis } from '../../database/conversions';
import {
  toVersion,
  versionColumns,
  type Version,
} from '../../database/VersionStore';
import { toModelVersion } from '../../database/ModelStore';
import { toDatasetVersion } from '../../database/DatasetStore';
import { modelVersionView } from './modelEndpoints';
import { datasetVersionView } from './datasetEndpoints';

/*
 * GET /v1/model-versions and /v1/dataset-versions: the versions of every model (or dataset) in
 * keyset pages, so that a consumer mirroring the whole store (the catalog's entity provider)
 * reads them in a few requests instead of one per asset.
 */

type VersionedKind = 'model' | 'dataset';

// Grouped by asset, newest first within it. asset_id leads both indexes of `versions`
// (versions_asset_created_idx and the unique (asset_id, version)), so a page is an index range
// scan from the cursor's asset backwards, not a scan of the table, whatever its size.
const columns: KeysetColumn[] = [
  { expr: 'versions.asset_id', direction: 'desc', nullable: false },
  { expr: 'versions.created_at', direction: 'desc', nullable: false },
  { expr: 'versions.id', direction: 'desc', nullable: false },
];

type Row = { asset_name: string } & Record<string, any>;

/** One keyset page of the versions of every active asset of a kind, with the asset's name. */
async function pageOfVersions(
  db: Knex,
  kind: VersionedKind,
  options: { pageSize?: number; cursor?: string },
): Promise<{ rows: Row[]; versions: Version[]; nextCursor: string | null }> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  // Tied to the kind: a model-versions cursor is rejected by dataset-versions, not misapplied.
  const scope = `${kind}-versions:-assetId,-createdAt`;
  const after = options.cursor
    ? decodeCursor(options.cursor, scope)
    : undefined;
  const query = db('versions')
    .join('assets', 'assets.id', 'versions.asset_id')
    .where('assets.kind', kind)
    .andWhere('assets.lifecycle', 'active')
    .select(...versionColumns(db), 'assets.name as asset_name');
  applyKeyset(query, columns, after);
  applyKeysetOrder(query, columns);
  const page = pageOf<Row>(
    await query.limit(pageSize + 1),
    pageSize,
    row => [row.asset_id, toMillis(row.created_at), row.id],
    scope,
  );
  return {
    rows: page.items,
    versions: page.items.map(toVersion),
    nextCursor: page.nextCursor ?? null,
  };
}

/** Version id to the aliases pointing at it, sorted. */
async function aliasesOf(db: Knex, versionIds: string[]) {
  const aliases = new Map<string, string[]>();
  if (versionIds.length === 0) return aliases;
  const rows = await db('aliases')
    .whereIn('version_id', versionIds)
    .orderBy('alias')
    .select('version_id', 'alias');
  for (const row of rows) {
    aliases.set(row.version_id, [
      ...(aliases.get(row.version_id) ?? []),
      row.alias,
    ]);
  }
  return aliases;
}

/** /v1/model-versions and /v1/dataset-versions: every version, a keyset page at a time. */
export function bindVersionFeedEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
) {
  router.get('/v1/model-versions', async (req, res) => {
    await ctx.access.authorize(req, llmOpsPermissionsByResource.model.read);
    const page = await pageOfVersions(ctx.db, 'model', req.query);
    const aliases = await aliasesOf(
      ctx.db,
      page.versions.map(v => v.id),
    );
    const items = page.versions.map((v, i) =>
      modelVersionView(
        toModelVersion(
          { id: v.assetId, name: page.rows[i].asset_name },
          v,
          aliases.get(v.id) ?? [],
        ),
      ),
    );
    sendSuccess(
      res,
      {
        items,
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('model'),
      },
      `${items.length} model version(s)`,
    );
  });

  router.get('/v1/dataset-versions', async (req, res) => {
    await ctx.access.authorize(req, llmOpsPermissionsByResource.dataset.read);
    const page = await pageOfVersions(ctx.db, 'dataset', req.query);
    const items = page.versions.map((v, i) =>
      datasetVersionView(
        toDatasetVersion({ id: v.assetId, name: page.rows[i].asset_name }, v),
      ),
    );
    sendSuccess(
      res,
      {
        items,
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('dataset'),
      },
      `${items.length} dataset version(s)`,
    );
  });
}
