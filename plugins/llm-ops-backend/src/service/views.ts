import type { Asset } from '../database/AssetStore';

/** The fields every asset shows in the API, dates as Date (serialised as ISO 8601). */
export function assetView(asset: Asset) {
  return {
    id: asset.id,
    name: asset.name,
    description: asset.description,
    owner: asset.owner,
    tags: asset.tags,
    lifecycle: asset.lifecycle,
    createdAt: new Date(asset.createdAt),
    updatedAt: new Date(asset.updatedAt),
    source: {
      integration: asset.source.integration,
      externalId: asset.source.externalId,
      url: asset.source.url,
    },
    // A built-in asset is confirmed by the store itself every time it changes.
    syncedAt: new Date(asset.source.syncedAt ?? asset.updatedAt),
  };
}
