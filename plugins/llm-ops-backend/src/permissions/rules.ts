import {
  createPermissionRule,
  type PermissionRule,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  llmOpsAssetPermissionResourceRef,
  type AssetFacts,
  type AssetQuery,
} from './resource';

// Entity refs are case-insensitive in Backstage; owners and claims are compared lowercased
// (the SQL side does the same, see assetCriteriaFilter).
const lower = (values: string[]) =>
  values.map(v => v.toLocaleLowerCase('en-US'));

/**
 * The asset's owner is one of the given entity refs; policies pass the user's ownership claims
 * (`user.info.ownershipEntityRefs`: the user and their groups). An asset without owner matches
 * nothing.
 */
export const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'Allow assets owned by one of the given entity refs',
  resourceRef: llmOpsAssetPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        'Entity refs of owners, usually the user and their groups (ownershipEntityRefs)',
      ),
  }),
  apply: (asset, { claims }) =>
    asset.owner !== null &&
    lower(claims).includes(asset.owner.toLocaleLowerCase('en-US')),
  toQuery: ({ claims }) => ({ property: 'owner', values: lower(claims) }),
});

/** The asset has the tag key, and with a value given, that value. */
export const hasTag = createPermissionRule({
  name: 'HAS_TAG',
  description: 'Allow assets with the given tag key (and value, if given)',
  resourceRef: llmOpsAssetPermissionResourceRef,
  paramsSchema: z.object({
    key: z.string().describe('Tag key'),
    value: z.string().optional().describe('Tag value; any value when omitted'),
  }),
  apply: (asset, { key, value }) =>
    Object.prototype.hasOwnProperty.call(asset.tags, key) &&
    (value === undefined || asset.tags[key] === value),
  toQuery: ({ key, value }) =>
    value === undefined
      ? { property: 'tag', key }
      : { property: 'tag', key, value },
});

/** The asset is of one of the given kinds (experiment, model, dataset, endpoint, pipeline). */
export const isKind = createPermissionRule({
  name: 'IS_KIND',
  description: 'Allow assets of the given kinds',
  resourceRef: llmOpsAssetPermissionResourceRef,
  paramsSchema: z.object({
    kinds: z
      .array(z.enum(['experiment', 'model', 'dataset', 'endpoint', 'pipeline']))
      .describe('Asset kinds'),
  }),
  apply: (asset, { kinds }) => kinds.includes(asset.kind),
  toQuery: ({ kinds }) => ({ property: 'kind', values: kinds }),
});

/** Every rule of the `llm-ops-asset` resource type. */
export const llmOpsAssetRules = { isOwner, hasTag, isKind };

type AssetRule = PermissionRule<AssetFacts, AssetQuery, 'llm-ops-asset'>;

// Each rule has its own params type; the framework's helpers validate a condition's params with
// the rule's schema before applying it, so the rules are looked up without it.
const rulesByName = new Map<string, AssetRule>(
  Object.values(llmOpsAssetRules).map(rule => [
    rule.name,
    rule as unknown as AssetRule,
  ]),
);

/**
 * The rules by name, for the permission framework's helpers that turn a policy's conditions into
 * SQL (lists) or evaluate them in memory (lineage). A condition naming another rule is a policy
 * error (answered 500 and logged), never silently more or less access.
 */
export const llmOpsAssetRuleset: PermissionRuleset<
  AssetFacts,
  AssetQuery,
  'llm-ops-asset'
> = {
  getRuleByName(name) {
    const rule = rulesByName.get(name);
    if (!rule) {
      throw new Error(`Unknown llm-ops-asset permission rule '${name}'`);
    }
    return rule;
  },
};
