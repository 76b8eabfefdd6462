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
import { isUuid, parseJson, toMillis, toMillisOrNull } from './conversions';
import { isUniqueViolation } from './constraintErrors';
import { tagsFromColumn, upsertTags } from './tags';
import { sourceFromColumn, type SourceInfo } from './sources';
import { sourceColumn, tagsColumn } from './embeddedJson';

export type AssetKind =
  | 'experiment'
  | 'model'
  | 'dataset'
  | 'endpoint'
  | 'pipeline';

/** A named asset as the store knows it; each kind's API type is a view of this. */
export type Asset<
  Spec = Record<string, unknown>,
  Status = Record<string, unknown>,
> = {
  id: string;
  kind: AssetKind;
  name: string;
  description: string | null;
  owner: string | null;
  lifecycle: 'active' | 'deleted';
  spec: Spec;
  status: Status;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
  source: SourceInfo;
};

export type AssetInput = {
  /** A pre-assigned llm-ops id (writes that stamp the id on the tool's resource first). */
  id?: string;
  name: string;
  description?: string | null;
  owner?: string | null;
  tags?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export type AssetPatch = {
  name?: string;
  description?: string | null;
  owner?: string | null;
  tags?: Record<string, string>;
  lifecycle?: 'active' | 'deleted';
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export type AssetListOptions = {
  pageSize?: number;
  cursor?: string;
  orderBy?:
    | 'name'
    | '-name'
    | 'createdAt'
    | '-createdAt'
    | 'updatedAt'
    | '-updatedAt';
  q?: string;
  owner?: string;
  tag?: string;
  lifecycle?: 'active' | 'deleted' | 'all';
};

/**
 * Narrows list queries of `assets`, e.g. to what a permission policy lets the caller see.
 * Applied in the WHERE clause before paging, so cursors and page sizes stay right.
 */
export type AssetListFilter = (query: Knex.QueryBuilder) => void;

export const DEFAULT_PAGE_SIZE = 50;

const orderColumns: Record<string, string> = {
  name: 'assets.name',
  createdAt: 'assets.created_at',
  updatedAt: 'assets.updated_at',
};

function keysetFor(orderBy: string): KeysetColumn[] {
  const desc = orderBy.startsWith('-');
  const column = orderColumns[desc ? orderBy.slice(1) : orderBy];
  const direction = desc ? 'desc' : 'asc';
  return [
    { expr: column, direction, nullable: false },
    { expr: 'assets.id', direction, nullable: false },
  ];
}

// LIKE wildcards in user text are data, not patterns.
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}

/**
 * Named assets of every kind: create, read by id or name, list with keyset pages, update,
 * delete. One table and one id space, so tags, sources and lineage work alike for all kinds.
 */
export class AssetStore {
  constructor(
    private readonly db: Knex,
    private readonly listFilter?: AssetListFilter,
  ) {}

  /** This store with its lists narrowed by the filter; without one, this store. */
  withListFilter(filter: AssetListFilter | undefined): AssetStore {
    return filter ? new AssetStore(this.db, filter) : this;
  }

  async create(
    kind: AssetKind,
    input: AssetInput,
    tx: Knex = this.db,
  ): Promise<Asset> {
    const now = Date.now();
    const id = input.id ?? randomUUID();
    try {
      await tx('assets').insert({
        id,
        kind,
        name: input.name,
        description: input.description ?? null,
        owner: input.owner ?? null,
        lifecycle: 'active',
        spec: JSON.stringify(input.spec ?? {}),
        status: JSON.stringify(input.status ?? {}),
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `A ${kind} named '${input.name}' already exists (it may be deleted; restore it instead)`,
        );
      }
      throw error;
    }
    await upsertTags(tx, id, input.tags);
    return this.get(kind, id, tx);
  }

  /** By llm-ops id or by name; NotFoundError otherwise. */
  async get(
    kind: AssetKind,
    idOrName: string,
    tx: Knex = this.db,
  ): Promise<Asset> {
    const row = await tx('assets')
      .select(assetColumns(tx))
      .where({ kind })
      .andWhere(q => {
        q.where('name', idOrName);
        if (isUuid(idOrName)) q.orWhere('id', idOrName);
      })
      .first();
    if (!row) {
      throw new NotFoundError(`No ${kind} with id or name '${idOrName}'`);
    }
    return toAsset(row);
  }

  /**
   * The ids of several assets of a kind, each named by id or name as in get, in the order given:
   * one statement instead of a get each (a run search names up to 100 experiments). The first
   * that does not exist is a NotFoundError, as get's.
   */
  async idsOf(
    kind: AssetKind,
    idsOrNames: readonly string[],
    tx: Knex = this.db,
  ): Promise<string[]> {
    if (idsOrNames.length === 0) return [];
    const uuids = idsOrNames.filter(isUuid);
    const rows: Array<{ id: string; name: string }> = await tx('assets')
      .select('id', 'name')
      .where({ kind })
      .andWhere(q => {
        q.whereIn('name', [...idsOrNames]);
        if (uuids.length > 0) q.orWhereIn('id', uuids);
      });
    const byId = new Map(rows.map(r => [r.id, r.id]));
    const byName = new Map(rows.map(r => [r.name, r.id]));
    return idsOrNames.map(idOrName => {
      const id = byId.get(idOrName) ?? byName.get(idOrName);
      if (id === undefined) {
        throw new NotFoundError(`No ${kind} with id or name '${idOrName}'`);
      }
      return id;
    });
  }

  async list(
    kind: AssetKind,
    options: AssetListOptions,
  ): Promise<{ items: Asset[]; nextCursor: string | null }> {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const orderBy = options.orderBy ?? 'name';
    const columns = keysetFor(orderBy);
    const scope = `assets:${kind}:${orderBy}`;
    const after = options.cursor
      ? decodeCursor(options.cursor, scope)
      : undefined;

    const query = this.db('assets')
      .where('assets.kind', kind)
      .select(assetColumns(this.db));
    const lifecycle = options.lifecycle ?? 'active';
    if (lifecycle !== 'all') query.where('assets.lifecycle', lifecycle);
    if (options.owner) query.where('assets.owner', options.owner);
    this.listFilter?.(query);
    if (options.q) {
      query.whereRaw(`lower(assets.name) like ? escape '\\'`, [
        `%${escapeLike(options.q.toLowerCase())}%`,
      ]);
    }
    if (options.tag) {
      const [key, ...rest] = options.tag.split('=');
      if (!key)
        throw Object.assign(new InputError('tag must be key or key=value'), {
          field: 'tag',
        });
      query.whereExists(function tagged() {
        this.select(this.client.raw('1'))
          .from('tags')
          .whereRaw('tags.resource_id = assets.id')
          .where('tags.key', key);
        if (rest.length > 0) this.where('tags.value', rest.join('='));
      });
    }
    applyKeyset(query, columns, after);
    applyKeysetOrder(query, columns);
    const rows = await query.limit(pageSize + 1);
    const page = pageOf(
      rows,
      pageSize,
      row => [
        orderBy.endsWith('ame')
          ? row.name
          : toMillis(
              orderBy.endsWith('reatedAt') ? row.created_at : row.updated_at,
            ),
        row.id,
      ],
      scope,
    );
    return {
      items: page.items.map(toAsset),
      nextCursor: page.nextCursor ?? null,
    };
  }

  async update(
    kind: AssetKind,
    idOrName: string,
    patch: AssetPatch,
    tx: Knex = this.db,
  ): Promise<Asset> {
    const current = await this.get(kind, idOrName, tx);
    const changes: Record<string, unknown> = { updated_at: Date.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.description !== undefined)
      changes.description = patch.description;
    if (patch.owner !== undefined) changes.owner = patch.owner;
    if (patch.spec !== undefined)
      changes.spec = JSON.stringify({ ...current.spec, ...patch.spec });
    if (patch.status !== undefined)
      changes.status = JSON.stringify({ ...current.status, ...patch.status });
    if (patch.lifecycle !== undefined) {
      changes.lifecycle = patch.lifecycle;
      changes.deleted_at = patch.lifecycle === 'deleted' ? Date.now() : null;
    }
    try {
      await tx('assets').where({ id: current.id }).update(changes);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `A ${kind} named '${patch.name}' already exists`,
        );
      }
      throw error;
    }
    await upsertTags(tx, current.id, patch.tags);
    return this.get(kind, current.id, tx);
  }

  /** Removes the asset and everything that hangs off it (versions, runs, aliases: ON DELETE CASCADE). */
  async hardDelete(
    kind: AssetKind,
    idOrName: string,
    tx: Knex = this.db,
  ): Promise<Asset> {
    const current = await this.get(kind, idOrName, tx);
    await tx('tags').where('resource_id', current.id).delete();
    await tx('source_refs').where('resource_id', current.id).delete();
    await tx('lineage_edges')
      .where('from_id', current.id)
      .orWhere('to_id', current.id)
      .delete();
    await tx('assets').where({ id: current.id }).delete();
    return current;
  }
}

/** The asset row with its tags and primary source, in one statement. */
function assetColumns(db: Knex) {
  return [
    'assets.*',
    tagsColumn(db, 'assets.id'),
    sourceColumn(db, 'assets.id'),
  ];
}

function toAsset(row: any): Asset {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description ?? null,
    owner: row.owner ?? null,
    lifecycle: row.lifecycle,
    spec: parseJson(row.spec, {}),
    status: parseJson(row.status, {}),
    tags: tagsFromColumn(row.embedded_tags),
    createdAt: toMillis(row.created_at),
    updatedAt: toMillis(row.updated_at),
    deletedAt: toMillisOrNull(row.deleted_at),
    source: sourceFromColumn(row.embedded_source),
  };
}
