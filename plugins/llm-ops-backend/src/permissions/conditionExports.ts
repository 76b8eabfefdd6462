import { createConditionExports } from '@backstage/plugin-permission-node';
import { llmOpsAssetPermissionResourceRef } from './resource';
import { llmOpsAssetRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: llmOpsAssetPermissionResourceRef,
  rules: llmOpsAssetRules,
});

/**
 * Conditions on llm-ops assets for permission policies: `isOwner({ claims })`,
 * `hasTag({ key, value? })`, `isKind({ kinds })`.
 *
 * @public
 */
export const llmOpsAssetConditions = conditions;

/**
 * A conditional decision on an llm-ops asset permission, for permission policies.
 *
 * @example
 * ```ts
 * if (isResourcePermission(request.permission, LLM_OPS_ASSET_RESOURCE_TYPE)) {
 *   return createLlmOpsAssetConditionalDecision(
 *     request.permission,
 *     llmOpsAssetConditions.isOwner({ claims: user?.info.ownershipEntityRefs ?? [] }),
 *   );
 * }
 * ```
 *
 * @public
 */
export const createLlmOpsAssetConditionalDecision = createConditionalDecision;
