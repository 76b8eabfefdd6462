import type { Version } from '../../database/VersionStore';
import { isoTime } from '../isoTime';

/** The fields every version shows, whatever its kind, times as ISO 8601 strings. */
export function versionMetaView(version: Version) {
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
