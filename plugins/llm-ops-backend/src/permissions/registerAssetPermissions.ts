import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { llmOpsAssetPermissions } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { Asset, AssetKind, AssetStore } from '../database/AssetStore';
import { llmOpsAssetPermissionResourceRef } from './resource';
import { llmOpsAssetRules } from './rules';

const ASSET_KINDS: ReadonlySet<string> = new Set<AssetKind>([
  'experiment',
  'model',
  'dataset',
  'endpoint',
  'pipeline',
]);

/** `<kind>:<id or name>` as kind and id or name; undefined for anything else. */
export function parseAssetRef(
  ref: string,
): { kind: AssetKind; idOrName: string } | undefined {
  const colon = ref.indexOf(':');
  const kind = ref.slice(0, colon);
  const idOrName = ref.slice(colon + 1);
  if (colon < 0 || !ASSET_KINDS.has(kind) || !idOrName) return undefined;
  return { kind: kind as AssetKind, idOrName };
}

/** The assets behind resource refs, in their order; undefined where there is none (denied). */
export async function loadAssetsByRef(
  assets: AssetStore,
  refs: string[],
): Promise<Array<Asset | undefined>> {
  return Promise.all(
    refs.map(async ref => {
      const parsed = parseAssetRef(ref);
      if (!parsed) return undefined;
      try {
        return await assets.get(parsed.kind, parsed.idOrName);
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    }),
  );
}

// The registry is one per plugin; this lets a test module and the plugin both call it.
const registered = new WeakSet<PermissionsRegistryService>();

/**
 * Registers the `llm-ops-asset` resource type with the plugin's permissions registry: its
 * permissions, its rules (IS_OWNER, HAS_TAG, IS_KIND) and how to load assets by resource ref,
 * so that the permission backend can resolve a policy's conditional decision on one asset
 * (`/.well-known/backstage/permissions/apply-conditions`). Call it in the plugin's init, before
 * the backend starts.
 */
export function registerLlmOpsAssetPermissions(
  permissionsRegistry: PermissionsRegistryService,
  assets: AssetStore,
): void {
  if (registered.has(permissionsRegistry)) return;
  registered.add(permissionsRegistry);
  permissionsRegistry.addResourceType({
    resourceRef: llmOpsAssetPermissionResourceRef,
    permissions: llmOpsAssetPermissions,
    rules: Object.values(llmOpsAssetRules),
    getResources: refs => loadAssetsByRef(assets, refs),
  });
}
