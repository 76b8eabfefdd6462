import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { auditedTransaction } from '../audit';
import { assetView } from '../views';
import {
  ModelStore,
  type Model,
  type ModelVersion,
} from '../../database/ModelStore';
import { versionMetaView } from './versionMetaView';
import { versionedAssetHandlers } from './versionedAssetEndpoints';

export function modelView(model: Model) {
  return {
    ...assetView(model),
    aliases: model.aliases,
    latestVersion: model.latestVersion,
  };
}

export function modelVersionView(version: ModelVersion) {
  return {
    id: version.id,
    modelId: version.modelId,
    modelName: version.modelName,
    version: version.version,
    description: version.description,
    sourceRunId: version.sourceRunId,
    artifactUri: version.artifactUri,
    status: version.status,
    aliases: version.aliases,
    ...(version.files ? { files: version.files } : {}),
    ...versionMetaView(version),
  };
}

/** Model versions are numbers, so messages show them bare: `Version 3 of model 'm'`. */
const describeModelVersion = (version: ModelVersion) =>
  `Version ${version.version} of model '${version.modelName}'`;

/**
 * /v1/models: the routes models share with datasets, plus what only models have, MLflow's
 * version status updates and aliases.
 */
export function bindModelEndpoints(router: ApiRouter, ctx: EndpointContext) {
  const shared = versionedAssetHandlers(ctx, {
    kind: 'model',
    title: 'Model',
    storeOver: assets => new ModelStore(ctx.db, assets),
    assetView: modelView,
    versionView: modelVersionView,
    describeVersion: describeModelVersion,
    // The run a version came from is what an auditor follows back to its training.
    versionCreateAuditMeta: body => ({ sourceRunId: body.sourceRunId ?? null }),
  });
  const { store: models, permissions, authorize } = shared;

  router.get('/v1/models', shared.list);
  router.post('/v1/models', shared.create);
  router.get('/v1/models/:idOrName', shared.get);
  router.patch('/v1/models/:idOrName', shared.update);
  router.delete('/v1/models/:idOrName', shared.remove);
  router.get('/v1/models/:idOrName/versions', shared.listVersions);
  router.post('/v1/models/:idOrName/versions', shared.createVersion);
  router.get('/v1/models/:idOrName/versions/:version', shared.getVersion);

  router.patch('/v1/models/:idOrName/versions/:version', async (req, res) => {
    await authorize(req, permissions.update);
    const version = await auditedTransaction(
      ctx,
      req,
      {
        eventId: 'model-version-update',
        meta: {
          model: req.params.idOrName,
          version: req.params.version,
          fields: Object.keys(req.body),
        },
      },
      tx =>
        models.updateVersion(
          req.params.idOrName,
          req.params.version,
          req.body,
          tx,
        ),
    );
    sendSuccess(
      res,
      modelVersionView(version),
      `${describeModelVersion(version)} updated`,
    );
  });

  router.delete('/v1/models/:idOrName/versions/:version', shared.deleteVersion);

  router.get('/v1/models/:idOrName/aliases/:alias', async (req, res) => {
    await authorize(req, permissions.read);
    const version = await models.getVersionByAlias(
      req.params.idOrName,
      req.params.alias,
    );
    sendSuccess(
      res,
      modelVersionView(version),
      `Alias '${req.params.alias}' of model '${version.modelName}' is version ${version.version}`,
    );
  });

  router.put('/v1/models/:idOrName/aliases/:alias', async (req, res) => {
    await authorize(req, permissions.update);
    const version = await auditedTransaction(
      ctx,
      req,
      {
        eventId: 'model-alias-set',
        meta: {
          model: req.params.idOrName,
          alias: req.params.alias,
          version: req.body.version,
        },
      },
      tx =>
        models.setAlias(
          req.params.idOrName,
          req.params.alias,
          req.body.version,
          tx,
        ),
    );
    sendSuccess(
      res,
      modelVersionView(version),
      `Alias '${req.params.alias}' of model '${version.modelName}' now points at version ${version.version}`,
    );
  });

  router.delete('/v1/models/:idOrName/aliases/:alias', async (req, res) => {
    await authorize(req, permissions.update);
    const removed = await auditedTransaction(
      ctx,
      req,
      {
        eventId: 'model-alias-delete',
        meta: { model: req.params.idOrName, alias: req.params.alias },
      },
      tx => models.deleteAlias(req.params.idOrName, req.params.alias, tx),
      result => result.model.id,
    );
    sendSuccess(
      res,
      {
        modelId: removed.model.id,
        modelName: removed.model.name,
        alias: removed.alias,
        version: removed.version,
      },
      `Alias '${removed.alias}' of model '${removed.model.name}' removed`,
    );
  });
}
