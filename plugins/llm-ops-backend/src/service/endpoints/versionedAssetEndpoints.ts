import type { AnyRequest } from '../types';
import type { Response } from 'express';
import type { JsonObject } from '@backstage/types';
import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { auditedTransaction } from '../audit';
import { assetAuthorizer, visibleAssets } from '../../permissions/assetAccess';
import type { Asset, AssetStore } from '../../database/AssetStore';
import type { Version } from '../../database/VersionStore';
import type {
  VersionedAssetKind,
  VersionedAssetStore,
} from '../../database/VersionedAssetStore';
import { idempotentCreate } from './idempotentCreate';

// Generic over the kind, so not tied to one path of the typed router: the per-kind bindings
// register these on their literal paths, where the router checks them against openapi.yaml.
type Handler = (req: AnyRequest, res: Response) => Promise<void>;

/** A store of one versioned kind that can also record a new version. */
export type VersionCreatingStore<
  A extends Asset,
  V extends Version,
> = VersionedAssetStore<A, V> & {
  createVersion(idOrName: string, input: any, tx: any): Promise<V>;
};

/** What one versioned kind (models, datasets) brings to the routes they share. */
export type VersionedAssetKindBinding<
  A extends Asset,
  V extends Version,
  S extends VersionCreatingStore<A, V>,
> = {
  kind: VersionedAssetKind;
  /** The capitalised noun that starts messages, e.g. `Model`. */
  title: string;
  /** The kind's store over an asset store; the list route passes one filtered by permission. */
  storeOver(assets: AssetStore): S;
  assetView(asset: A): unknown;
  versionView(version: V): unknown;
  /**
   * How messages name a version, e.g. `Version 3 of model 'm'`; models show the number bare,
   * datasets quote their free-form labels.
   */
  describeVersion(version: V): string;
  /** What the version-create audit event records besides the asset reference. */
  versionCreateAuditMeta(body: any): Record<string, string | null>;
};

/**
 * The handlers models and datasets share: list, create, get, update and delete the asset, and
 * list, create, get and delete its versions. Each is authorised with the kind's permissions,
 * audited as `<kind>-<action>` with the asset reference under the kind's name, and answers in
 * the envelope with the kind's wording. Kind-only routes (version updates, aliases) stay in the
 * kind's own binding.
 */
export function versionedAssetHandlers<
  A extends Asset,
  V extends Version,
  S extends VersionCreatingStore<A, V>,
>(ctx: EndpointContext, binding: VersionedAssetKindBinding<A, V, S>) {
  const { kind, title, assetView, versionView, describeVersion } = binding;
  const permissions = llmOpsPermissionsByResource[kind];
  const authorize = assetAuthorizer(ctx, kind);
  const store = binding.storeOver(ctx.assets);
  /** The audit meta naming the asset as the caller did, e.g. `{ model: 'm' }`. */
  const assetRef = (req: AnyRequest): JsonObject => ({
    [kind]: req.params.idOrName,
  });

  const list: Handler = async (req, res) => {
    const assets = await visibleAssets(ctx, req, permissions.read);
    const page = await binding.storeOver(assets).list(req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(assetView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource(kind),
      },
      `${page.items.length} ${kind}(s)`,
    );
  };

  const create: Handler = async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      {
        permission: permissions.create,
        eventId: `${kind}-create`,
        meta: { name: req.body.name },
      },
      async tx => {
        const asset = await store.create(req.body, tx);
        return {
          id: asset.id,
          status: 201,
          body: {
            status: 'success',
            message: `${title} '${asset.name}' created`,
            data: assetView(asset),
          },
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  };

  const get: Handler = async (req, res) => {
    await authorize(req, permissions.read);
    const asset = await store.get(req.params.idOrName);
    sendSuccess(res, assetView(asset), `${title} '${asset.name}'`);
  };

  const update: Handler = async (req, res) => {
    await authorize(req, permissions.update);
    const asset = await auditedTransaction(
      ctx,
      req,
      {
        eventId: `${kind}-update`,
        meta: { ...assetRef(req), fields: Object.keys(req.body) },
      },
      tx => store.update(req.params.idOrName, req.body, tx),
    );
    sendSuccess(res, assetView(asset), `${title} '${asset.name}' updated`);
  };

  const remove: Handler = async (req, res) => {
    await authorize(req, permissions.delete);
    const asset = await auditedTransaction(
      ctx,
      req,
      { eventId: `${kind}-delete`, meta: assetRef(req) },
      tx => store.delete(req.params.idOrName, tx),
    );
    sendSuccess(
      res,
      { id: asset.id },
      `${title} '${asset.name}' deleted with its versions`,
    );
  };

  const listVersions: Handler = async (req, res) => {
    await authorize(req, permissions.read);
    const page = await store.listVersions(req.params.idOrName, req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(versionView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource(kind),
      },
      `${page.items.length} ${kind} version(s)`,
    );
  };

  const createVersion: Handler = async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      {
        permission: permissions.create,
        eventId: `${kind}-version-create`,
        meta: {
          [kind]: req.params.idOrName,
          ...binding.versionCreateAuditMeta(req.body),
        },
      },
      async tx => {
        const version = await store.createVersion(
          req.params.idOrName,
          req.body,
          tx,
        );
        return {
          id: version.id,
          status: 201,
          body: {
            status: 'success',
            message: `${describeVersion(version)} created`,
            data: versionView(version),
          },
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  };

  const getVersion: Handler = async (req, res) => {
    await authorize(req, permissions.read);
    const version = await store.getVersion(
      req.params.idOrName,
      req.params.version,
    );
    sendSuccess(res, versionView(version), describeVersion(version));
  };

  const deleteVersion: Handler = async (req, res) => {
    await authorize(req, permissions.delete);
    const version = await auditedTransaction(
      ctx,
      req,
      {
        eventId: `${kind}-version-delete`,
        meta: { ...assetRef(req), version: req.params.version },
      },
      tx => store.deleteVersion(req.params.idOrName, req.params.version, tx),
    );
    sendSuccess(res, { id: version.id }, `${describeVersion(version)} deleted`);
  };

  return {
    store,
    permissions,
    authorize,
    list,
    create,
    get,
    update,
    remove,
    listVersions,
    createVersion,
    getVersion,
    deleteVersion,
  };
}
