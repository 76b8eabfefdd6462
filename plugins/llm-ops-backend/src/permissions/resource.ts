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
 * What the rules look at of an asset: its kind, owner and tags. Narrower than the store's
 * `Asset`, so that lineage can check many assets loaded in one query without their specs.
 */
export type AssetFacts = Pick<Asset, 'kind' | 'owner' | 'tags'>;

/**
 * The `llm-ops-asset` resource type: experiments, models, datasets, endpoints and pipelines.
 * Rules apply to an asset's kind, owner and tags; its resource refs are `<kind>:<id or name>`.
 *
 * @public
 */
export const llmOpsAssetPermissionResourceRef = createPermissionResourceRef<
  AssetFacts,
  AssetQuery
>().with({
  pluginId: 'llm-ops',
  resourceType: LLM_OPS_ASSET_RESOURCE_TYPE,
});
