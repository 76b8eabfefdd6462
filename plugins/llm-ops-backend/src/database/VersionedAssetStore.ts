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
  VersionStore,
  type Version,
  type VersionListOptions,
} from './VersionStore';

/** The asset kinds whose versions live in the `versions` table behind their own routes. */
export type VersionedAssetKind = 'model' | 'dataset';

/** What distinguishes one versioned kind from another inside the shared store logic. */
export type VersionedAssetKindInfo = {
  kind: VersionedAssetKind;
  /** The capitalised noun that starts error messages, e.g. `Model`. */
  title: string;
};

export type VersionedAssetListOptions = Omit<AssetListOptions, 'lifecycle'>;

/** The asset fields the API lets a caller change on a versioned asset. */
export type VersionedAssetPatch = Omit<
  AssetPatch,
  'lifecycle' | 'spec' | 'status'
>;

/**
 * The part of the model registry and the dataset catalogue that is the same for both: an asset
 * of one kind with numbered or labelled versions, hard deletes, and every mutation in the
 * caller's transaction. Subclasses say how an asset and a version are shown (`decorate`,
 * `decorateVersions`) and add the writes only their kind has (version creation, aliases).
 */
export abstract class VersionedAssetStore<A extends Asset, V extends Version> {
  protected readonly versions: VersionStore;

  constructor(
    protected readonly db: Knex,
    protected readonly assets: AssetStore,
    protected readonly info: VersionedAssetKindInfo,
  ) {
    this.versions = new VersionStore(db);
  }

  /** The asset as the API shows it, e.g. a model with its aliases and newest version. */
  protected abstract decorate(db: Knex, assets: Asset[]): Promise<A[]>;

  /** Stored versions as the API shows them, e.g. a model version with its aliases. */
  protected abstract decorateVersions(
    db: Knex,
    asset: Asset,
    versions: Version[],
  ): Promise<V[]>;

  /**
   * Rejects a version reference this kind can never have, before it is looked up; the default
   * accepts any label (datasets), models only take numbers.
   */
  protected checkVersionReference(_version: string): void {}

  async create(input: AssetInput, tx: Knex = this.db): Promise<A> {
    checkTagKeys(input.tags);
    const asset = await this.assets.create(this.info.kind, input, tx);
    return (await this.decorate(tx, [asset]))[0];
  }

  async get(idOrName: string, tx: Knex = this.db): Promise<A> {
    const asset = await this.assets.get(this.info.kind, idOrName, tx);
    return (await this.decorate(tx, [asset]))[0];
  }

  async list(
    options: VersionedAssetListOptions,
  ): Promise<{ items: A[]; nextCursor: string | null }> {
    // Copied field by field so a caller cannot slip in `lifecycle` (deletes are hard here).
    const page = await this.assets.list(this.info.kind, {
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
    patch: VersionedAssetPatch,
    tx: Knex = this.db,
  ): Promise<A> {
    checkTagKeys(patch.tags);
    const asset = await this.assets.update(
      this.info.kind,
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
    const asset = await this.assets.get(this.info.kind, idOrName, tx);
    await this.versions.lockAsset(tx, asset.id);
    await this.versions.deleteAllOf(tx, asset.id);
    return this.assets.hardDelete(this.info.kind, asset.id, tx);
  }

  async getVersion(
    idOrName: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<V> {
    const asset = await this.assets.get(this.info.kind, idOrName, tx);
    const found = await this.findVersion(tx, asset, version);
    return (await this.decorateVersions(tx, asset, [found]))[0];
  }

  /** Newest first, a keyset page at a time. */
  async listVersions(
    idOrName: string,
    options: VersionListOptions,
  ): Promise<{ items: V[]; nextCursor: string | null }> {
    const asset = await this.assets.get(this.info.kind, idOrName);
    const page = await this.versions.list(asset.id, options);
    return {
      items: await this.decorateVersions(this.db, asset, page.items),
      nextCursor: page.nextCursor,
    };
  }

  /** Hard-deletes one version with its aliases, tags and lineage; its number is not reused. */
  async deleteVersion(
    idOrName: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<V> {
    const asset = await this.assets.get(this.info.kind, idOrName, tx);
    await this.versions.lockAsset(tx, asset.id);
    const current = await this.findVersion(tx, asset, version);
    // Shown before the delete: the aliases pointing at it go with it.
    const [view] = await this.decorateVersions(tx, asset, [current]);
    await this.versions.delete(tx, [current.id]);
    return view;
  }

  /** A version of the asset by its label; NotFoundError when it has none such. */
  protected async findVersion(
    db: Knex,
    asset: Asset,
    version: string,
  ): Promise<Version> {
    this.checkVersionReference(version);
    const found = await this.versions.find(db, asset.id, version);
    if (!found) {
      throw new NotFoundError(
        `${this.info.title} '${asset.name}' has no version '${version}'`,
      );
    }
    return found;
  }
}
