import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import { LLM_OPS_ASSET_RESOURCE_TYPE } from '@llm-ops/backstage-plugin-llm-ops-common';
import {
  createLlmOpsAssetConditionalDecision,
  llmOpsAssetConditions,
} from '../conditionExports';

// The two users of the permission tests and what the catalog would say they own.
export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';
/** Alice's claims: herself and her team, as the catalog's ownershipEntityRefs would say. */
export const ownership = { [ALICE]: [ALICE, 'group:default/NLP'] };

/** Users see, change and delete what they (or their groups) own; everything else is allowed. */
export const ownerPolicy: PermissionPolicy = {
  async handle(request, user) {
    if (isResourcePermission(request.permission, LLM_OPS_ASSET_RESOURCE_TYPE)) {
      return createLlmOpsAssetConditionalDecision(
        request.permission,
        llmOpsAssetConditions.isOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  },
};
