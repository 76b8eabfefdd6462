import type { Knex } from 'knex';
import type { Asset, AssetStore } from './AssetStore';
import { fieldError, type Version } from './VersionStore';
import {
  VersionedAssetStore,
  type VersionedAssetListOptions,
} from './VersionedAssetStore';

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

export type DatasetListOptions = VersionedAssetListOptions;

/** Dataset version labels, e.g. 2024-06, v1.2 or a DVC revision. */
export const DATASET_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const MAX_URI = 2048;
/** A schema is a description of columns, not data: its JSON is capped at this many characters. */
export const MAX_SCHEMA_JSON = 256 * 1024;

/**
 * Datasets on the store: assets of kind `dataset` whose versions carry where the data is, its
 * digest, size, format, column schema and the repository that tracks it. Deletes are hard.
 * What datasets share with models lives in VersionedAssetStore; unlike a model version, a
 * dataset version may bring its own label (a date, a DVC revision) and has no aliases.
 */
export class DatasetStore extends VersionedAssetStore<Dataset, DatasetVersion> {
  constructor(db: Knex, assets: AssetStore) {
    super(db, assets, { kind: 'dataset', title: 'Dataset' });
  }

  /** Records a version; a label the dataset already has is a 409. */
  async createVersion(
    idOrName: string,
    input: DatasetVersionInput,
    tx: Knex = this.db,
    synced?: { createdAt?: number },
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
      createdAt: synced?.createdAt,
    });
    return toDatasetVersion(dataset, version);
  }

  protected async decorate(db: Knex, assets: Asset[]): Promise<Dataset[]> {
    const latest = await this.versions.latestOf(
      db,
      assets.map(a => a.id),
    );
    return assets.map(asset => ({
      ...asset,
      latestVersion: latest.get(asset.id) ?? null,
    }));
  }

  /** Everything a dataset version shows is in its own row: no further query. */
  protected async decorateVersions(
    _db: Knex,
    dataset: Asset,
    versions: Version[],
  ): Promise<DatasetVersion[]> {
    return versions.map(v => toDatasetVersion(dataset, v));
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
