import type { Asset } from '../database/AssetStore';
import { isoTime } from './isoTime';

/** The fields every asset shows in the API, times as ISO 8601 strings. */
export function assetView(asset: Asset) {
  return {
    id: asset.id,
    name: asset.name,
    description: asset.description,
    owner: asset.owner,
    tags: asset.tags,
    lifecycle: asset.lifecycle,
    createdAt: isoTime(asset.createdAt),
    updatedAt: isoTime(asset.updatedAt),
    source: {
      integration: asset.source.integration,
      externalId: asset.source.externalId,
      url: asset.source.url,
    },
    // A built-in asset is confirmed by the store itself every time it changes.
    syncedAt: isoTime(asset.source.syncedAt ?? asset.updatedAt),
  };
}
