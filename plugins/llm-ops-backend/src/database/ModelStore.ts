import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import type {
  Asset,
  AssetInput,
  AssetListOptions,
  AssetPatch,
  AssetStore,
} from './AssetStore';
import { addLineageEdges } from './lineage';
import {
  checkTagKeys,
  fieldError,
  VERSION_NUMBER_PATTERN,
  VersionStore,
  type Version,
  type VersionListOptions,
} from './VersionStore';

export const MODEL_VERSION_STATUSES = [
  'READY',
  'PENDING_REGISTRATION',
  'FAILED_REGISTRATION',
] as const;

export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

/** A registered model: the asset plus its aliases (alias to version number) and newest version. */
export type Model = Asset & {
  aliases: Record<string, string>;
  latestVersion: string | null;
};

export type ModelVersion = Version & {
  modelId: string;
  modelName: string;
  sourceRunId: string | null;
  artifactUri: string;
  status: ModelVersionStatus;
  /** The aliases pointing at this version, sorted. */
  aliases: string[];
  /** The files with their sizes, when the registry lists them (the Hub), else null. */
  files: ModelVersionFile[] | null;
};

export type ModelVersionFile = {
  path: string;
  sizeBytes: number;
  lfs: boolean;
};

export type ModelVersionInput = {
  artifactUri: string;
  description?: string | null;
  sourceRunId?: string | null;
  status?: ModelVersionStatus;
  tags?: Record<string, string>;
};

export type ModelVersionPatch = {
  description?: string | null;
  status?: ModelVersionStatus;
  tags?: Record<string, string>;
};

export type ModelListOptions = Omit<AssetListOptions, 'lifecycle'>;

/** Alias names, as MLflow allows them. */
export const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/** `latest` always means the newest version; it cannot be set or removed. */
export const RESERVED_ALIAS = 'latest';

const MAX_ARTIFACT_URI = 2048;

/**
 * The model registry on the store, with MLflow's semantics: models are assets of kind `model`,
 * their versions are numbered 1, 2, ... (never reused), aliases point at versions, and deletes
 * are hard. Mutations take the caller's transaction, so each one is all or nothing.
 */
export class ModelStore {
  private readonly versions: VersionStore;

  constructor(private readonly db: Knex, private readonly assets: AssetStore) {
    this.versions = new VersionStore(db);
  }

  async create(input: AssetInput, tx: Knex = this.db): Promise<Model> {
    checkTagKeys(input.tags);
    const asset = await this.assets.create('model', input, tx);
    return (await this.decorate(tx, [asset]))[0];
  }

  async get(idOrName: string, tx: Knex = this.db): Promise<Model> {
    const asset = await this.assets.get('model', idOrName, tx);
    return (await this.decorate(tx, [asset]))[0];
  }

  async list(
    options: ModelListOptions,
  ): Promise<{ items: Model[]; nextCursor: string | null }> {
    const page = await this.assets.list('model', {
      pageSize: options.pageSize,
      cursor: options.cursor,
      orderBy: options.orderBy,
      q: options.q,
      owner: options.owner,
      tag: options.tag,
    });
    return {
      items: await this.decorate(this.db, page.items),
      nextCursor: page.nextCursor,
    };
  }

  async update(
    idOrName: string,
    patch: Omit<AssetPatch, 'lifecycle' | 'spec' | 'status'>,
    tx: Knex = this.db,
  ): Promise<Model> {
    checkTagKeys(patch.tags);
    const asset = await this.assets.update(
      'model',
      idOrName,
      {
        name: patch.name,
        description: patch.description,
        owner: patch.owner,
        tags: patch.tags,
      },
      tx,
    );
    return (await this.decorate(tx, [asset]))[0];
  }

  /** Hard delete, like MLflow's registry: versions, aliases, tags, sources and lineage go too. */
  async delete(idOrName: string, tx: Knex = this.db): Promise<Asset> {
    const model = await this.assets.get('model', idOrName, tx);
    await this.versions.lockAsset(tx, model.id);
    await this.versions.deleteAllOf(tx, model.id);
    return this.assets.hardDelete('model', model.id, tx);
  }

  /**
   * Registers the next version. A sourceRunId must name a run in the store (else a 400 on
   * sourceRunId); it is recorded as the lineage edge run --produced--> model-version.
   */
  async createVersion(
    idOrName: string,
    input: ModelVersionInput,
    tx: Knex = this.db,
  ): Promise<ModelVersion> {
    const model = await this.assets.get('model', idOrName, tx);
    if (
      typeof input.artifactUri !== 'string' ||
      input.artifactUri.trim() === '' ||
      input.artifactUri.length > MAX_ARTIFACT_URI
    ) {
      throw fieldError(
        'artifactUri',
        `artifactUri must be a non-empty string of at most ${MAX_ARTIFACT_URI} characters`,
      );
    }
    const status = input.status ?? 'READY';
    checkStatus(status);
    const sourceRunId = input.sourceRunId ?? null;
    if (sourceRunId !== null) {
      const run = await tx('runs').where({ id: sourceRunId }).first('id');
      if (!run) {
        throw fieldError('sourceRunId', `No run with id '${sourceRunId}'`);
      }
    }

    await this.versions.lockAsset(tx, model.id);
    const number = await this.versions.nextNumber(tx, model.id);
    const version = await this.versions.insert(tx, model.id, {
      version: number,
      description: input.description ?? null,
      spec: { artifactUri: input.artifactUri, sourceRunId, status },
      tags: input.tags,
    });
    if (sourceRunId !== null) {
      await addLineageEdges(tx, [
        {
          fromType: 'run',
          fromId: sourceRunId,
          relation: 'produced',
          toType: 'model-version',
          toId: version.id,
        },
      ]);
    }
    return (await this.decorateVersions(tx, model, [version]))[0];
  }

  async getVersion(
    idOrName: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<ModelVersion> {
    const model = await this.assets.get('model', idOrName, tx);
    const found = await this.findVersion(tx, model, version);
    return (await this.decorateVersions(tx, model, [found]))[0];
  }

  /** Newest first, a keyset page at a time. */
  async listVersions(
    idOrName: string,
    options: VersionListOptions,
  ): Promise<{ items: ModelVersion[]; nextCursor: string | null }> {
    const model = await this.assets.get('model', idOrName);
    const page = await this.versions.list(model.id, options);
    return {
      items: await this.decorateVersions(this.db, model, page.items),
      nextCursor: page.nextCursor,
    };
  }

  async updateVersion(
    idOrName: string,
    version: string,
    patch: ModelVersionPatch,
    tx: Knex = this.db,
  ): Promise<ModelVersion> {
    const model = await this.assets.get('model', idOrName, tx);
    if (patch.status !== undefined) checkStatus(patch.status);
    await this.versions.lockAsset(tx, model.id);
    const current = await this.findVersion(tx, model, version);
    const updated = await this.versions.update(tx, current, {
      description: patch.description,
      spec: patch.status !== undefined ? { status: patch.status } : undefined,
      tags: patch.tags,
    });
    return (await this.decorateVersions(tx, model, [updated]))[0];
  }

  /** Hard-deletes one version with its aliases, tags and lineage; its number is not reused. */
  async deleteVersion(
    idOrName: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<ModelVersion> {
    const model = await this.assets.get('model', idOrName, tx);
    await this.versions.lockAsset(tx, model.id);
    const current = await this.findVersion(tx, model, version);
    const [view] = await this.decorateVersions(tx, model, [current]);
    await this.versions.delete(tx, [current.id]);
    return view;
  }

  /** The version an alias points at; `latest` is the newest version. */
  async getVersionByAlias(
    idOrName: string,
    alias: string,
    tx: Knex = this.db,
  ): Promise<ModelVersion> {
    const model = await this.assets.get('model', idOrName, tx);
    let versionId: string | undefined;
    if (alias.toLowerCase() === RESERVED_ALIAS) {
      const latest = (await this.versions.latestOf(tx, [model.id])).get(
        model.id,
      );
      if (latest !== undefined) {
        versionId = (await this.versions.find(tx, model.id, latest))?.id;
      }
    } else {
      checkAlias(alias);
      const row = await tx('aliases')
        .where({ asset_id: model.id, alias })
        .first('version_id');
      versionId = row?.version_id;
    }
    const found = versionId
      ? await this.versions.findById(tx, versionId)
      : undefined;
    if (!found) {
      throw new NotFoundError(
        `Model '${model.name}' has no version with alias '${alias}'`,
      );
    }
    return (await this.decorateVersions(tx, model, [found]))[0];
  }

  /** Points an alias at a version, moving it if it pointed elsewhere. */
  async setAlias(
    idOrName: string,
    alias: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<ModelVersion> {
    checkSettableAlias(alias);
    const model = await this.assets.get('model', idOrName, tx);
    if (typeof version !== 'string' || !VERSION_NUMBER_PATTERN.test(version)) {
      throw fieldError('version', 'version must be a version number like "3"');
    }
    // Locked first, so the version cannot be deleted between the check and the insert.
    await this.versions.lockAsset(tx, model.id);
    const target = await this.versions.find(tx, model.id, version);
    if (!target) {
      throw fieldError(
        'version',
        `Model '${model.name}' has no version '${version}'`,
      );
    }
    await tx('aliases')
      .insert({ asset_id: model.id, alias, version_id: target.id })
      .onConflict(['asset_id', 'alias'])
      .merge(['version_id']);
    return (await this.decorateVersions(tx, model, [target]))[0];
  }

  /** Removes an alias; NotFoundError when the model has no such alias. */
  async deleteAlias(
    idOrName: string,
    alias: string,
    tx: Knex = this.db,
  ): Promise<{ model: Asset; alias: string; version: string }> {
    checkSettableAlias(alias);
    const model = await this.assets.get('model', idOrName, tx);
    await this.versions.lockAsset(tx, model.id);
    const row = await tx('aliases')
      .join('versions', 'versions.id', 'aliases.version_id')
      .where({ 'aliases.asset_id': model.id, 'aliases.alias': alias })
      .first('versions.version');
    if (!row) {
      throw new NotFoundError(`Model '${model.name}' has no alias '${alias}'`);
    }
    await tx('aliases').where({ asset_id: model.id, alias }).delete();
    return { model, alias, version: row.version };
  }

  private async findVersion(
    db: Knex,
    model: Asset,
    version: string,
  ): Promise<Version> {
    if (!VERSION_NUMBER_PATTERN.test(version)) {
      throw fieldError(
        'version',
        `Model versions are numbers like "3", not '${version}'; use the alias routes for aliases`,
      );
    }
    const found = await this.versions.find(db, model.id, version);
    if (!found) {
      throw new NotFoundError(
        `Model '${model.name}' has no version '${version}'`,
      );
    }
    return found;
  }

  private async decorate(db: Knex, assets: Asset[]): Promise<Model[]> {
    const ids = assets.map(a => a.id);
    const [latest, aliasRows] = await Promise.all([
      this.versions.latestOf(db, ids),
      ids.length === 0
        ? Promise.resolve([])
        : db('aliases')
            .join('versions', 'versions.id', 'aliases.version_id')
            .whereIn('aliases.asset_id', ids)
            .orderBy('aliases.alias')
            .select('aliases.asset_id', 'aliases.alias', 'versions.version'),
    ]);
    const aliases = new Map<string, Record<string, string>>();
    for (const row of aliasRows) {
      const byAlias = aliases.get(row.asset_id) ?? {};
      byAlias[row.alias] = row.version;
      aliases.set(row.asset_id, byAlias);
    }
    return assets.map(asset => ({
      ...asset,
      aliases: aliases.get(asset.id) ?? {},
      latestVersion: latest.get(asset.id) ?? null,
    }));
  }

  private async decorateVersions(
    db: Knex,
    model: Asset,
    versions: Version[],
  ): Promise<ModelVersion[]> {
    const ids = versions.map(v => v.id);
    const aliasRows =
      ids.length === 0
        ? []
        : await db('aliases')
            .whereIn('version_id', ids)
            .orderBy('alias')
            .select('version_id', 'alias');
    const aliases = new Map<string, string[]>();
    for (const row of aliasRows) {
      aliases.set(row.version_id, [
        ...(aliases.get(row.version_id) ?? []),
        row.alias,
      ]);
    }
    return versions.map(v => toModelVersion(model, v, aliases.get(v.id) ?? []));
  }
}

/** A stored version row of a model, with the aliases pointing at it, as the API's model version. */
export function toModelVersion(
  model: { id: string; name: string },
  v: Version,
  aliases: string[],
): ModelVersion {
  return {
    ...v,
    modelId: model.id,
    modelName: model.name,
    sourceRunId: (v.spec.sourceRunId as string | undefined) ?? null,
    artifactUri: String(v.spec.artifactUri ?? ''),
    status: MODEL_VERSION_STATUSES.includes(v.spec.status as any)
      ? (v.spec.status as ModelVersionStatus)
      : 'READY',
    aliases,
    files: Array.isArray(v.spec.files)
      ? (v.spec.files as ModelVersionFile[])
      : null,
  };
}

function checkStatus(status: unknown) {
  if (!MODEL_VERSION_STATUSES.includes(status as ModelVersionStatus)) {
    throw fieldError(
      'status',
      `status must be one of ${MODEL_VERSION_STATUSES.join(', ')}`,
    );
  }
}

function checkAlias(alias: string) {
  if (!ALIAS_PATTERN.test(alias)) {
    throw fieldError(
      'alias',
      'An alias starts with a letter, then up to 127 letters, digits, _ or -',
    );
  }
}

function checkSettableAlias(alias: string) {
  checkAlias(alias);
  if (alias.toLowerCase() === RESERVED_ALIAS) {
    throw fieldError(
      'alias',
      `'${alias}' is reserved: it always means the newest version`,
    );
  }
}
