import type { Request } from 'express';
import type { Knex } from 'knex';
import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { audited } from '../audit';
import { principalOf } from '../access';
import { withIdempotency, type StoredAnswer } from '../idempotency';
import { assetView } from '../views';
import { assetAuthorizer, visibleAssets } from '../../permissions/assetAccess';
import type { Version } from '../../database/VersionStore';
import {
  ModelStore,
  type Model,
  type ModelVersion,
} from '../../database/ModelStore';
import {
  DatasetStore,
  type Dataset,
  type DatasetVersion,
} from '../../database/DatasetStore';
import { isoTime } from '../isoTime';

const modelPermissions = llmOpsPermissionsByResource.model;
const datasetPermissions = llmOpsPermissionsByResource.dataset;

/** The fields every version shows, times as ISO 8601 strings. */
function versionMetaView(version: Version) {
  return {
    tags: version.tags,
    createdAt: isoTime(version.createdAt),
    updatedAt: isoTime(version.updatedAt),
    source: {
      integration: version.source.integration,
      externalId: version.source.externalId,
      url: version.source.url,
    },
    // A built-in version is confirmed by the store itself every time it changes.
    syncedAt: isoTime(version.source.syncedAt ?? version.updatedAt),
  };
}

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

export function datasetView(dataset: Dataset) {
  return { ...assetView(dataset), latestVersion: dataset.latestVersion };
}

export function datasetVersionView(version: DatasetVersion) {
  return {
    id: version.id,
    datasetId: version.datasetId,
    datasetName: version.datasetName,
    version: version.version,
    description: version.description,
    uri: version.uri,
    digest: version.digest,
    sizeBytes: version.sizeBytes,
    fileCount: version.fileCount,
    format: version.format,
    schema: version.schema,
    sourceRepository: version.sourceRepository,
    ...versionMetaView(version),
  };
}

/** /v1/models and /v1/datasets, with versions and aliases. */
export function bindModelAndDatasetEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
) {
  bindModelEndpoints(router, ctx, new ModelStore(ctx.db, ctx.assets));
  bindDatasetEndpoints(router, ctx, new DatasetStore(ctx.db, ctx.assets));
}

/** A create: authorised, idempotent with an Idempotency-Key, audited, in one transaction. */
async function idempotentCreate(
  ctx: EndpointContext,
  req: Request<any, any, any, any, any>,
  permission: (typeof modelPermissions)['create'],
  eventId: string,
  meta: Record<string, string | null>,
  mutation: (tx: Knex.Transaction) => Promise<StoredAnswer & { id: string }>,
): Promise<StoredAnswer> {
  const credentials = await ctx.access.authorize(req, permission);
  return withIdempotency(
    ctx.db,
    req,
    principalOf(credentials),
    req.header('idempotency-key'),
    tx => audited(ctx.auditor, req, eventId, meta, () => mutation(tx)),
  );
}

function bindModelEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
  models: ModelStore,
) {
  const authorizeModel = assetAuthorizer(ctx, 'model');
  router.get('/v1/models', async (req, res) => {
    const assets = await visibleAssets(ctx, req, modelPermissions.read);
    const page = await new ModelStore(ctx.db, assets).list(req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(modelView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('model'),
      },
      `${page.items.length} model(s)`,
    );
  });

  router.post('/v1/models', async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      modelPermissions.create,
      'model-create',
      { name: req.body.name },
      async tx => {
        const model = await models.create(req.body, tx);
        return {
          id: model.id,
          status: 201,
          body: {
            status: 'success',
            message: `Model '${model.name}' created`,
            data: modelView(model),
          },
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/models/:idOrName', async (req, res) => {
    await authorizeModel(req, modelPermissions.read);
    const model = await models.get(req.params.idOrName);
    sendSuccess(res, modelView(model), `Model '${model.name}'`);
  });

  router.patch('/v1/models/:idOrName', async (req, res) => {
    await authorizeModel(req, modelPermissions.update);
    const model = await audited(
      ctx.auditor,
      req,
      'model-update',
      { model: req.params.idOrName, fields: Object.keys(req.body) },
      () =>
        ctx.db.transaction(tx =>
          models.update(req.params.idOrName, req.body, tx),
        ),
    );
    sendSuccess(res, modelView(model), `Model '${model.name}' updated`);
  });

  router.delete('/v1/models/:idOrName', async (req, res) => {
    await authorizeModel(req, modelPermissions.delete);
    const model = await audited(
      ctx.auditor,
      req,
      'model-delete',
      { model: req.params.idOrName },
      () => ctx.db.transaction(tx => models.delete(req.params.idOrName, tx)),
    );
    sendSuccess(
      res,
      { id: model.id },
      `Model '${model.name}' deleted with its versions`,
    );
  });

  router.get('/v1/models/:idOrName/versions', async (req, res) => {
    await authorizeModel(req, modelPermissions.read);
    const page = await models.listVersions(req.params.idOrName, req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(modelVersionView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('model'),
      },
      `${page.items.length} model version(s)`,
    );
  });

  router.post('/v1/models/:idOrName/versions', async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      modelPermissions.create,
      'model-version-create',
      {
        model: req.params.idOrName,
        sourceRunId: req.body.sourceRunId ?? null,
      },
      async tx => {
        const version = await models.createVersion(
          req.params.idOrName,
          req.body,
          tx,
        );
        return {
          id: version.id,
          status: 201,
          body: {
            status: 'success',
            message: `Version ${version.version} of model '${version.modelName}' created`,
            data: modelVersionView(version),
          },
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/models/:idOrName/versions/:version', async (req, res) => {
    await authorizeModel(req, modelPermissions.read);
    const version = await models.getVersion(
      req.params.idOrName,
      req.params.version,
    );
    sendSuccess(
      res,
      modelVersionView(version),
      `Version ${version.version} of model '${version.modelName}'`,
    );
  });

  router.patch('/v1/models/:idOrName/versions/:version', async (req, res) => {
    await authorizeModel(req, modelPermissions.update);
    const version = await audited(
      ctx.auditor,
      req,
      'model-version-update',
      {
        model: req.params.idOrName,
        version: req.params.version,
        fields: Object.keys(req.body),
      },
      () =>
        ctx.db.transaction(tx =>
          models.updateVersion(
            req.params.idOrName,
            req.params.version,
            req.body,
            tx,
          ),
        ),
    );
    sendSuccess(
      res,
      modelVersionView(version),
      `Version ${version.version} of model '${version.modelName}' updated`,
    );
  });

  router.delete('/v1/models/:idOrName/versions/:version', async (req, res) => {
    await authorizeModel(req, modelPermissions.delete);
    const version = await audited(
      ctx.auditor,
      req,
      'model-version-delete',
      { model: req.params.idOrName, version: req.params.version },
      () =>
        ctx.db.transaction(tx =>
          models.deleteVersion(req.params.idOrName, req.params.version, tx),
        ),
    );
    sendSuccess(
      res,
      { id: version.id },
      `Version ${version.version} of model '${version.modelName}' deleted`,
    );
  });

  router.get('/v1/models/:idOrName/aliases/:alias', async (req, res) => {
    await authorizeModel(req, modelPermissions.read);
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
    await authorizeModel(req, modelPermissions.update);
    const version = await audited(
      ctx.auditor,
      req,
      'model-alias-set',
      {
        model: req.params.idOrName,
        alias: req.params.alias,
        version: req.body.version,
      },
      () =>
        ctx.db.transaction(tx =>
          models.setAlias(
            req.params.idOrName,
            req.params.alias,
            req.body.version,
            tx,
          ),
        ),
    );
    sendSuccess(
      res,
      modelVersionView(version),
      `Alias '${req.params.alias}' of model '${version.modelName}' now points at version ${version.version}`,
    );
  });

  router.delete('/v1/models/:idOrName/aliases/:alias', async (req, res) => {
    await authorizeModel(req, modelPermissions.update);
    const removed = await audited(
      ctx.auditor,
      req,
      'model-alias-delete',
      { model: req.params.idOrName, alias: req.params.alias },
      async () => {
        const result = await ctx.db.transaction(tx =>
          models.deleteAlias(req.params.idOrName, req.params.alias, tx),
        );
        return { id: result.model.id, ...result };
      },
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

function bindDatasetEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
  datasets: DatasetStore,
) {
  const authorizeDataset = assetAuthorizer(ctx, 'dataset');
  router.get('/v1/datasets', async (req, res) => {
    const assets = await visibleAssets(ctx, req, datasetPermissions.read);
    const page = await new DatasetStore(ctx.db, assets).list(req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(datasetView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('dataset'),
      },
      `${page.items.length} dataset(s)`,
    );
  });

  router.post('/v1/datasets', async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      datasetPermissions.create,
      'dataset-create',
      { name: req.body.name },
      async tx => {
        const dataset = await datasets.create(req.body, tx);
        return {
          id: dataset.id,
          status: 201,
          body: {
            status: 'success',
            message: `Dataset '${dataset.name}' created`,
            data: datasetView(dataset),
          },
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/datasets/:idOrName', async (req, res) => {
    await authorizeDataset(req, datasetPermissions.read);
    const dataset = await datasets.get(req.params.idOrName);
    sendSuccess(res, datasetView(dataset), `Dataset '${dataset.name}'`);
  });

  router.patch('/v1/datasets/:idOrName', async (req, res) => {
    await authorizeDataset(req, datasetPermissions.update);
    const dataset = await audited(
      ctx.auditor,
      req,
      'dataset-update',
      { dataset: req.params.idOrName, fields: Object.keys(req.body) },
      () =>
        ctx.db.transaction(tx =>
          datasets.update(req.params.idOrName, req.body, tx),
        ),
    );
    sendSuccess(res, datasetView(dataset), `Dataset '${dataset.name}' updated`);
  });

  router.delete('/v1/datasets/:idOrName', async (req, res) => {
    await authorizeDataset(req, datasetPermissions.delete);
    const dataset = await audited(
      ctx.auditor,
      req,
      'dataset-delete',
      { dataset: req.params.idOrName },
      () => ctx.db.transaction(tx => datasets.delete(req.params.idOrName, tx)),
    );
    sendSuccess(
      res,
      { id: dataset.id },
      `Dataset '${dataset.name}' deleted with its versions`,
    );
  });

  router.get('/v1/datasets/:idOrName/versions', async (req, res) => {
    await authorizeDataset(req, datasetPermissions.read);
    const page = await datasets.listVersions(req.params.idOrName, req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(datasetVersionView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('dataset'),
      },
      `${page.items.length} dataset version(s)`,
    );
  });

  router.post('/v1/datasets/:idOrName/versions', async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      datasetPermissions.create,
      'dataset-version-create',
      { dataset: req.params.idOrName, version: req.body.version ?? null },
      async tx => {
        const version = await datasets.createVersion(
          req.params.idOrName,
          req.body,
          tx,
        );
        return {
          id: version.id,
          status: 201,
          body: {
            status: 'success',
            message: `Version '${version.version}' of dataset '${version.datasetName}' created`,
            data: datasetVersionView(version),
          },
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/datasets/:idOrName/versions/:version', async (req, res) => {
    await authorizeDataset(req, datasetPermissions.read);
    const version = await datasets.getVersion(
      req.params.idOrName,
      req.params.version,
    );
    sendSuccess(
      res,
      datasetVersionView(version),
      `Version '${version.version}' of dataset '${version.datasetName}'`,
    );
  });

  router.delete(
    '/v1/datasets/:idOrName/versions/:version',
    async (req, res) => {
      await authorizeDataset(req, datasetPermissions.delete);
      const version = await audited(
        ctx.auditor,
        req,
        'dataset-version-delete',
        { dataset: req.params.idOrName, version: req.params.version },
        () =>
          ctx.db.transaction(tx =>
            datasets.deleteVersion(req.params.idOrName, req.params.version, tx),
          ),
      );
      sendSuccess(
        res,
        { id: version.id },
        `Version '${version.version}' of dataset '${version.datasetName}' deleted`,
      );
    },
  );
}
