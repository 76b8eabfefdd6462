import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import type {
  Asset,
  AssetInput,
  AssetListOptions,
  AssetPatch,
  AssetStore,
} from './AssetStore';
import {
  checkTagKeys,
  fieldError,
  VersionStore,
  type Version,
  type VersionListOptions,
} from './VersionStore';

/** Where DVC (or another tool) tracks a dataset version. */
export type DatasetSourceRepository = {
  repository: string;
  path: string | null;
  revision: string | null;
};

/** A dataset: the asset plus the label of its newest version. */
export type Dataset = Asset & { latestVersion: string | null };

export type DatasetVersion = Version & {
  datasetId: string;
  datasetName: string;
  uri: string;
  digest: string | null;
  sizeBytes: number | null;
  fileCount: number | null;
  format: string | null;
  schema: Record<string, unknown> | null;
  sourceRepository: DatasetSourceRepository | null;
};

export type DatasetVersionInput = {
  /** The label; the next unused integer when omitted. */
  version?: string;
  description?: string | null;
  uri: string;
  digest?: string | null;
  sizeBytes?: number | null;
  fileCount?: number | null;
  format?: string | null;
  schema?: Record<string, unknown> | null;
  sourceRepository?: {
    repository: string;
    path?: string | null;
    revision?: string | null;
  } | null;
  tags?: Record<string, string>;
};

export type DatasetListOptions = Omit<AssetListOptions, 'lifecycle'>;

/** Dataset version labels, e.g. 2024-06, v1.2 or a DVC revision. */
export const DATASET_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const MAX_URI = 2048;
/** A schema is a description of columns, not data: its JSON is capped at this many characters. */
export const MAX_SCHEMA_JSON = 256 * 1024;

/**
 * Datasets on the store: assets of kind `dataset` whose versions carry where the data is, its
 * digest, size, format, column schema and the repository that tracks it. Deletes are hard.
 */
export class DatasetStore {
  private readonly versions: VersionStore;

  constructor(private readonly db: Knex, private readonly assets: AssetStore) {
    this.versions = new VersionStore(db);
  }

  async create(input: AssetInput, tx: Knex = this.db): Promise<Dataset> {
    checkTagKeys(input.tags);
    const asset = await this.assets.create('dataset', input, tx);
    return (await this.decorate(tx, [asset]))[0];
  }

  async get(idOrName: string, tx: Knex = this.db): Promise<Dataset> {
    const asset = await this.assets.get('dataset', idOrName, tx);
    return (await this.decorate(tx, [asset]))[0];
  }

  async list(
    options: DatasetListOptions,
  ): Promise<{ items: Dataset[]; nextCursor: string | null }> {
    const page = await this.assets.list('dataset', {
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
  ): Promise<Dataset> {
    checkTagKeys(patch.tags);
    const asset = await this.assets.update(
      'dataset',
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

  /** Hard delete: versions, tags, sources and lineage go too. */
  async delete(idOrName: string, tx: Knex = this.db): Promise<Asset> {
    const dataset = await this.assets.get('dataset', idOrName, tx);
    await this.versions.lockAsset(tx, dataset.id);
    await this.versions.deleteAllOf(tx, dataset.id);
    return this.assets.hardDelete('dataset', dataset.id, tx);
  }

  /** Records a version; a label the dataset already has is a 409. */
  async createVersion(
    idOrName: string,
    input: DatasetVersionInput,
    tx: Knex = this.db,
  ): Promise<DatasetVersion> {
    const dataset = await this.assets.get('dataset', idOrName, tx);
    const spec = checkVersionInput(input);
    await this.versions.lockAsset(tx, dataset.id);
    const label =
      input.version ?? (await this.versions.nextNumber(tx, dataset.id));
    const version = await this.versions.insert(tx, dataset.id, {
      version: label,
      description: input.description ?? null,
      spec,
      tags: input.tags,
    });
    return toDatasetVersion(dataset, version);
  }

  async getVersion(
    idOrName: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<DatasetVersion> {
    const dataset = await this.assets.get('dataset', idOrName, tx);
    return toDatasetVersion(
      dataset,
      await this.findVersion(tx, dataset, version),
    );
  }

  /** Newest first, a keyset page at a time. */
  async listVersions(
    idOrName: string,
    options: VersionListOptions,
  ): Promise<{ items: DatasetVersion[]; nextCursor: string | null }> {
    const dataset = await this.assets.get('dataset', idOrName);
    const page = await this.versions.list(dataset.id, options);
    return {
      items: page.items.map(v => toDatasetVersion(dataset, v)),
      nextCursor: page.nextCursor,
    };
  }

  /** Hard-deletes one version with its tags and lineage. */
  async deleteVersion(
    idOrName: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<DatasetVersion> {
    const dataset = await this.assets.get('dataset', idOrName, tx);
    await this.versions.lockAsset(tx, dataset.id);
    const current = await this.findVersion(tx, dataset, version);
    await this.versions.delete(tx, [current.id]);
    return toDatasetVersion(dataset, current);
  }

  private async findVersion(
    db: Knex,
    dataset: Asset,
    version: string,
  ): Promise<Version> {
    const found = await this.versions.find(db, dataset.id, version);
    if (!found) {
      throw new NotFoundError(
        `Dataset '${dataset.name}' has no version '${version}'`,
      );
    }
    return found;
  }

  private async decorate(db: Knex, assets: Asset[]): Promise<Dataset[]> {
    const latest = await this.versions.latestOf(
      db,
      assets.map(a => a.id),
    );
    return assets.map(asset => ({
      ...asset,
      latestVersion: latest.get(asset.id) ?? null,
    }));
  }
}

const isCount = (n: unknown) =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Checks a new version against the rules the API documents; returns its spec JSON. */
function checkVersionInput(
  input: DatasetVersionInput,
): Record<string, unknown> {
  if (
    input.version !== undefined &&
    (typeof input.version !== 'string' ||
      !DATASET_VERSION_PATTERN.test(input.version))
  ) {
    throw fieldError(
      'version',
      'version must start with a letter or digit, then up to 127 letters, digits, ., _ or -',
    );
  }
  if (
    typeof input.uri !== 'string' ||
    input.uri.trim() === '' ||
    input.uri.length > MAX_URI
  ) {
    throw fieldError(
      'uri',
      `uri must be a non-empty string of at most ${MAX_URI} characters`,
    );
  }
  for (const field of ['sizeBytes', 'fileCount'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null && !isCount(value)) {
      throw fieldError(field, `${field} must be an integer of 0 or more`);
    }
  }
  const schema = input.schema ?? null;
  if (schema !== null) {
    if (typeof schema !== 'object' || Array.isArray(schema)) {
      throw fieldError('schema', 'schema must be an object');
    }
    if (JSON.stringify(schema).length > MAX_SCHEMA_JSON) {
      throw fieldError(
        'schema',
        `schema must be at most ${MAX_SCHEMA_JSON} characters of JSON`,
      );
    }
  }
  const repo = input.sourceRepository ?? null;
  if (
    repo !== null &&
    (typeof repo.repository !== 'string' || repo.repository.trim() === '')
  ) {
    throw fieldError(
      'sourceRepository/repository',
      'sourceRepository.repository must be a non-empty string',
    );
  }
  return {
    uri: input.uri,
    digest: input.digest ?? null,
    sizeBytes: input.sizeBytes ?? null,
    fileCount: input.fileCount ?? null,
    format: input.format ?? null,
    schema,
    sourceRepository:
      repo === null
        ? null
        : {
            repository: repo.repository,
            path: repo.path ?? null,
            revision: repo.revision ?? null,
          },
  };
}

/** A stored version row of a dataset as the API's dataset version. */
export function toDatasetVersion(
  dataset: { id: string; name: string },
  v: Version,
): DatasetVersion {
  const spec = v.spec as Record<string, any>;
  const repo = spec.sourceRepository;
  return {
    ...v,
    datasetId: dataset.id,
    datasetName: dataset.name,
    uri: String(spec.uri ?? ''),
    digest: spec.digest ?? null,
    sizeBytes: spec.sizeBytes ?? null,
    fileCount: spec.fileCount ?? null,
    format: spec.format ?? null,
    schema: spec.schema ?? null,
    sourceRepository:
      repo && typeof repo === 'object'
        ? {
            repository: String(repo.repository),
            path: repo.path ?? null,
            revision: repo.revision ?? null,
          }
        : null,
  };
}
