import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import type { Asset, AssetStore } from './AssetStore';
import { addLineageEdges } from './lineage';
import {
  fieldError,
  VERSION_NUMBER_PATTERN,
  type Version,
} from './VersionStore';
import {
  VersionedAssetStore,
  type VersionedAssetListOptions,
} from './VersionedAssetStore';

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

export type ModelListOptions = VersionedAssetListOptions;

/** Alias names, as MLflow allows them. */
export const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/** `latest` always means the newest version; it cannot be set or removed. */
export const RESERVED_ALIAS = 'latest';

const MAX_ARTIFACT_URI = 2048;

/**
 * The model registry on the store, with MLflow's semantics: models are assets of kind `model`,
 * their versions are numbered 1, 2, ... (never reused), aliases point at versions, and deletes
 * are hard. Mutations take the caller's transaction, so each one is all or nothing. What models
 * share with datasets lives in VersionedAssetStore; this adds numbered versions, their status,
 * the run that produced them, and aliases.
 */
export class ModelStore extends VersionedAssetStore<Model, ModelVersion> {
  constructor(db: Knex, assets: AssetStore) {
    super(db, assets, { kind: 'model', title: 'Model' });
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

  /** Model versions are numbers; a name here is most likely an alias sent to the wrong route. */
  protected checkVersionReference(version: string): void {
    if (!VERSION_NUMBER_PATTERN.test(version)) {
      throw fieldError(
        'version',
        `Model versions are numbers like "3", not '${version}'; use the alias routes for aliases`,
      );
    }
  }

  protected async decorate(db: Knex, assets: Asset[]): Promise<Model[]> {
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

  protected async decorateVersions(
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
