import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { LLM_OPS_ASSET_RESOURCE_TYPE } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { Asset } from '../database/AssetStore';

/**
 * One condition of a permission rule as data, for the store's list queries: the rules'
 * `toQuery` produce these, `assetCriteriaFilter` turns a tree of them into SQL.
 */
export type AssetQuery =
  | { property: 'owner'; values: string[] }
  | { property: 'kind'; values: string[] }
  | { property: 'tag'; key: string; value?: string };

/**
 * The `llm-ops-asset` resource type: experiments, models, datasets, endpoints and pipelines.
 * Rules apply to the store's `Asset`; its resource refs are `<kind>:<id or name>`.
 *
 * @public
 */
export const llmOpsAssetPermissionResourceRef = createPermissionResourceRef<
  Asset,
  AssetQuery
>().with({
  pluginId: 'llm-ops',
  resourceType: LLM_OPS_ASSET_RESOURCE_TYPE,
});
