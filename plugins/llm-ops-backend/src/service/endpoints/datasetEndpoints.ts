import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { assetView } from '../views';
import {
  DatasetStore,
  type Dataset,
  type DatasetVersion,
} from '../../database/DatasetStore';
import { versionMetaView } from './versionMetaView';
import { versionedAssetHandlers } from './versionedAssetEndpoints';

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

/** /v1/datasets: only the routes datasets share with models (no version updates, no aliases). */
export function bindDatasetEndpoints(router: ApiRouter, ctx: EndpointContext) {
  const shared = versionedAssetHandlers(ctx, {
    kind: 'dataset',
    title: 'Dataset',
    storeOver: assets => new DatasetStore(ctx.db, assets),
    assetView: datasetView,
    versionView: datasetVersionView,
    // Dataset labels are free-form (2024-06, a DVC revision), so messages quote them.
    describeVersion: version =>
      `Version '${version.version}' of dataset '${version.datasetName}'`,
    // The label the caller asked for, or null when the next number was handed out.
    versionCreateAuditMeta: body => ({ version: body.version ?? null }),
  });

  router.get('/v1/datasets', shared.list);
  router.post('/v1/datasets', shared.create);
  router.get('/v1/datasets/:idOrName', shared.get);
  router.patch('/v1/datasets/:idOrName', shared.update);
  router.delete('/v1/datasets/:idOrName', shared.remove);
  router.get('/v1/datasets/:idOrName/versions', shared.listVersions);
  router.post('/v1/datasets/:idOrName/versions', shared.createVersion);
  router.get('/v1/datasets/:idOrName/versions/:version', shared.getVersion);
  router.delete(
    '/v1/datasets/:idOrName/versions/:version',
    shared.deleteVersion,
  );
}
