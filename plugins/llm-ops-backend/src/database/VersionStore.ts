import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  pageOf,
  type KeysetColumn,
} from '../query';
import { parseJson, toMillis } from './conversions';
import { isUniqueViolation } from './constraintErrors';
import { tagsFromColumn, upsertTags } from './tags';
import { sourceFromColumn, type SourceInfo } from './sources';
import { sourceColumn, tagsColumn } from './embeddedJson';
import { DEFAULT_PAGE_SIZE } from './AssetStore';

/** A version of a model or dataset as the store knows it; each kind's API type is a view of this. */
export type Version = {
  id: string;
  assetId: string;
  /** Model: "1", "2", ...; dataset: a label. */
  version: string;
  description: string | null;
  /** Kind-specific fields. */
  spec: Record<string, unknown>;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  source: SourceInfo;
};

export type VersionInput = {
  version: string;
  description?: string | null;
  spec?: Record<string, unknown>;
  tags?: Record<string, string>;
  /** When the tool made it (ms), for a synced version; otherwise now, after the latest. */
  createdAt?: number;
};

export type VersionPatch = {
  description?: string | null;
  /** Merged into the stored spec, key by key. */
  spec?: Record<string, unknown>;
  tags?: Record<string, string>;
};

export type VersionListOptions = { pageSize?: number; cursor?: string };

/** An InputError (HTTP 400) that names the offending request field. */
export function fieldError(
  field: string,
  message: string,
): InputError & { field: string } {
  return Object.assign(new InputError(message), { field });
}

/** The longest tag key the `tags` table holds. */
export const MAX_TAG_KEY = 250;

/**
 * Tag keys must fit the `tags` table (PostgreSQL would refuse a longer key with an error that
 * is no 400); the API schema bounds values but cannot bound keys in OpenAPI 3.0.
 */
export function checkTagKeys(tags: Record<string, string> | undefined): void {
  for (const key of Object.keys(tags ?? {})) {
    if (key.length === 0 || key.length > MAX_TAG_KEY) {
      throw fieldError(
        'tags',
        `Tag keys must be 1 to ${MAX_TAG_KEY} characters long`,
      );
    }
  }
}

/** "1", "2", ...: the labels the store numbers versions with (no sign, no leading zero). */
export const VERSION_NUMBER_PATTERN = /^[1-9][0-9]{0,14}$/;

// The asset's status key that remembers the highest number ever handed out, so a number is
// never given twice even after its version (the highest one) was deleted.
const COUNTER_KEY = 'versionCounter';

// Newest first. Within one asset created_at is strictly increasing (see insert), so this is
// also the order of registration; the id only makes the key unique.
const columns: KeysetColumn[] = [
  { expr: 'versions.created_at', direction: 'desc', nullable: false },
  { expr: 'versions.id', direction: 'desc', nullable: false },
];

/**
 * Rows of the `versions` table, shared by models and datasets: numbering, keyset pages newest
 * first, tags and sources, and deletion with everything that hangs off a version (aliases, tags,
 * source references, lineage edges). Callers pass the transaction of their mutation.
 */
export class VersionStore {
  constructor(private readonly db: Knex) {}

  /**
   * Serialises version writes of one asset: on PostgreSQL the update holds the asset's row lock
   * until the transaction ends (SQLite serialises writers anyway). Also marks the asset changed,
   * as MLflow does for a registered model when a version is added or removed.
   */
  async lockAsset(tx: Knex, assetId: string): Promise<void> {
    const updated = await tx('assets')
      .where({ id: assetId })
      .update({ updated_at: Date.now() });
    if (!updated) {
      // A concurrent delete committed while we waited for the lock.
      throw new NotFoundError(`No asset with id '${assetId}' (it was deleted)`);
    }
  }

  /**
   * The next unused version number of an asset: one more than any number handed out before
   * (deleted ones included) and than any numeric label present. Call after lockAsset, in the
   * transaction that inserts the version.
   */
  async nextNumber(tx: Knex, assetId: string): Promise<string> {
    const [asset, labels] = await Promise.all([
      tx('assets').where({ id: assetId }).first('status'),
      tx('versions').where({ asset_id: assetId }).pluck('version'),
    ]);
    let highest = Number(parseJson<any>(asset?.status, {})[COUNTER_KEY] ?? 0);
    if (!Number.isSafeInteger(highest)) highest = 0;
    for (const label of labels as string[]) {
      if (VERSION_NUMBER_PATTERN.test(label))
        highest = Math.max(highest, Number(label));
    }
    return String(highest + 1);
  }

  /**
   * Inserts a version; a label the asset already has is a ConflictError (field `version`). Call
   * after lockAsset. created_at is kept strictly increasing per asset (at worst a millisecond
   * ahead of the clock), so newest-first is the order of registration even within one
   * millisecond.
   */
  async insert(
    tx: Knex,
    assetId: string,
    input: VersionInput,
  ): Promise<Version> {
    const taken = await tx('versions')
      .where({ asset_id: assetId, version: input.version })
      .first('id');
    if (taken) throw this.conflict(input.version);
    checkTagKeys(input.tags);
    const last = await tx('versions')
      .where({ asset_id: assetId })
      .max({ createdAt: 'created_at' })
      .first();
    const lastCreated =
      last?.createdAt === null || last?.createdAt === undefined
        ? 0
        : toMillis(last.createdAt);
    const now = Math.max(Date.now(), lastCreated + 1);
    const id = randomUUID();
    try {
      await tx('versions').insert({
        id,
        asset_id: assetId,
        version: input.version,
        description: input.description ?? null,
        spec: JSON.stringify(input.spec ?? {}),
        created_at: input.createdAt ?? now,
        updated_at: now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw this.conflict(input.version);
      throw error;
    }
    await upsertTags(tx, id, input.tags);
    if (VERSION_NUMBER_PATTERN.test(input.version)) {
      await this.raiseCounter(tx, assetId, Number(input.version));
    }
    return (await this.findById(tx, id))!;
  }

  async find(
    db: Knex,
    assetId: string,
    version: string,
  ): Promise<Version | undefined> {
    const row = await db('versions')
      .select(versionColumns(db))
      .where({ asset_id: assetId, version })
      .first();
    return row ? toVersion(row) : undefined;
  }

  async findById(db: Knex, id: string): Promise<Version | undefined> {
    const row = await db('versions')
      .select(versionColumns(db))
      .where({ id })
      .first();
    return row ? toVersion(row) : undefined;
  }

  /** The asset's versions, newest first, a keyset page at a time. */
  async list(
    assetId: string,
    options: VersionListOptions,
    db: Knex = this.db,
  ): Promise<{ items: Version[]; nextCursor: string | null }> {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    // Tied to the asset: a cursor of another model's versions is rejected, not misapplied.
    const scope = `versions:${assetId}:-createdAt`;
    const after = options.cursor
      ? decodeCursor(options.cursor, scope)
      : undefined;
    const query = db('versions')
      .where('versions.asset_id', assetId)
      .select(versionColumns(db));
    applyKeyset(query, columns, after);
    applyKeysetOrder(query, columns);
    const rows = await query.limit(pageSize + 1);
    const page = pageOf(
      rows,
      pageSize,
      row => [toMillis(row.created_at), row.id],
      scope,
    );
    return {
      items: page.items.map(toVersion),
      nextCursor: page.nextCursor ?? null,
    };
  }

  /** The newest version label of each asset that has versions. */
  async latestOf(db: Knex, assetIds: string[]): Promise<Map<string, string>> {
    const latest = new Map<string, string>();
    if (assetIds.length === 0) return latest;
    const rows = await db('versions as v')
      .whereIn('v.asset_id', assetIds)
      .whereNotExists(function newer() {
        this.select(db.raw('1'))
          .from('versions as w')
          .whereRaw('w.asset_id = v.asset_id')
          .andWhere(q =>
            q
              .whereRaw('w.created_at > v.created_at')
              .orWhereRaw('(w.created_at = v.created_at and w.id > v.id)'),
          );
      })
      .select('v.asset_id', 'v.version');
    for (const row of rows) latest.set(row.asset_id, row.version);
    return latest;
  }

  async update(tx: Knex, current: Version, patch: VersionPatch) {
    checkTagKeys(patch.tags);
    const changes: Record<string, unknown> = { updated_at: Date.now() };
    if (patch.description !== undefined)
      changes.description = patch.description;
    if (patch.spec !== undefined)
      changes.spec = JSON.stringify({ ...current.spec, ...patch.spec });
    await tx('versions').where({ id: current.id }).update(changes);
    await upsertTags(tx, current.id, patch.tags);
    return (await this.findById(tx, current.id))!;
  }

  /**
   * Hard-deletes versions and what hangs off them: aliases, tags, source references and lineage
   * edges in either direction. Done explicitly rather than trusting ON DELETE CASCADE, which
   * SQLite only honours when foreign keys are switched on.
   */
  async delete(tx: Knex, versionIds: string[]): Promise<void> {
    if (versionIds.length === 0) return;
    // Chunks keep the bound parameters within SQLite's limit for assets with many versions.
    for (let i = 0; i < versionIds.length; i += 500) {
      const ids = versionIds.slice(i, i + 500);
      await tx('aliases').whereIn('version_id', ids).delete();
      await tx('tags').whereIn('resource_id', ids).delete();
      await tx('source_refs').whereIn('resource_id', ids).delete();
      await tx('lineage_edges').whereIn('from_id', ids).delete();
      await tx('lineage_edges').whereIn('to_id', ids).delete();
      await tx('versions').whereIn('id', ids).delete();
    }
  }

  /** Hard-deletes every version of an asset (before the asset itself goes). */
  async deleteAllOf(tx: Knex, assetId: string): Promise<void> {
    const ids: string[] = await tx('versions')
      .where({ asset_id: assetId })
      .pluck('id');
    await tx('aliases').where({ asset_id: assetId }).delete();
    await this.delete(tx, ids);
  }

  private async raiseCounter(tx: Knex, assetId: string, value: number) {
    const row = await tx('assets').where({ id: assetId }).first('status');
    const status = parseJson<Record<string, unknown>>(row?.status, {});
    if (Number(status[COUNTER_KEY] ?? 0) >= value) return;
    await tx('assets')
      .where({ id: assetId })
      .update({ status: JSON.stringify({ ...status, [COUNTER_KEY]: value }) });
  }

  private conflict(version: string) {
    return Object.assign(
      new ConflictError(`Version '${version}' already exists`),
      { field: 'version' },
    );
  }
}

/** The columns a Version is made of: the row, its tags and its primary source, in one statement. */
export function versionColumns(db: Knex) {
  return [
    'versions.*',
    tagsColumn(db, 'versions.id'),
    sourceColumn(db, 'versions.id'),
  ];
}

/** A Version from a row selected with versionColumns. */
export function toVersion(row: any): Version {
  return {
    id: row.id,
    assetId: row.asset_id,
    version: row.version,
    description: row.description ?? null,
    spec: parseJson(row.spec, {}),
    tags: tagsFromColumn(row.embedded_tags),
    createdAt: toMillis(row.created_at),
    updatedAt: toMillis(row.updated_at),
    source: sourceFromColumn(row.embedded_source),
  };
}
