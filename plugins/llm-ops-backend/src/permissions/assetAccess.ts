import type { AnyRequest } from '../service/types';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  llmOpsAssetResourceRef,
  type LlmOpsAssetKind,
  type LlmOpsAssetPermission,
} from '@llm-ops/backstage-plugin-llm-ops-common';
import type { AccessControl } from '../service/access';
import type { AssetListFilter, AssetStore } from '../database/AssetStore';
import { llmOpsAssetRuleset } from './rules';
import { assetCriteriaFilter } from './assetCriteriaFilter';

// The policy's conditions as store queries.
const toAssetQuery = createConditionTransformer(llmOpsAssetRuleset);

/**
 * The list filter a read decision stands for: none when the policy allows it outright, the
 * policy's conditions as SQL when it allows it conditionally (the way the catalog filters
 * entities), and 403 when it denies it. Unlike the catalog, which answers a denied list with no
 * entities, a definitive DENY stays a 403 here: the API's contract for a refused permission.
 */
export function listFilterOf(
  decision: PolicyDecision,
  permission: LlmOpsAssetPermission,
): AssetListFilter | undefined {
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return assetCriteriaFilter(toAssetQuery(decision.conditions));
  }
  if (decision.result === AuthorizeResult.ALLOW) return undefined;
  throw new NotAllowedError(`Not allowed: ${permission.name}`);
}

/** The list filter for a read permission (listFilterOf), asked of the policy. */
export async function assetListFilter(
  access: AccessControl,
  req: AnyRequest,
  permission: LlmOpsAssetPermission,
): Promise<AssetListFilter | undefined> {
  const { decision } = await access.decide(req, permission);
  return listFilterOf(decision, permission);
}

/**
 * The asset store with its lists narrowed to what the caller may read (assetListFilter): for a
 * list route, `new ModelStore(ctx.db, await visibleAssets(ctx, req, read)).list(query)`.
 */
export async function visibleAssets(
  ctx: { access: AccessControl; assets: AssetStore },
  req: AnyRequest,
  read: LlmOpsAssetPermission,
): Promise<AssetStore> {
  return ctx.assets.withListFilter(
    await assetListFilter(ctx.access, req, read),
  );
}

/** The asset a permission is checked on. */
export type AssetTarget = { kind: LlmOpsAssetKind; id: string };

/**
 * Authorises a permission on one asset. A definitive DENY is a 403 before anything is loaded
 * (nothing about the asset leaks). A conditional decision is resolved by the permission
 * framework against the asset (resource ref `<kind>:<id>`; the permission backend calls this
 * plugin's apply-conditions endpoint, which loads it with the registered getResources): when
 * it fails, a read answers `hidden()` (404, as the asset is missing from the caller's lists
 * too) and any other action a 403.
 */
export async function authorizeAssetTarget(
  access: AccessControl,
  req: AnyRequest,
  permission: LlmOpsAssetPermission,
  locate: () => Promise<AssetTarget>,
  hidden: () => Error,
): Promise<BackstageCredentials> {
  const { credentials, decision } = await access.decide(req, permission);
  if (decision.result === AuthorizeResult.ALLOW) return credentials;
  if (decision.result === AuthorizeResult.DENY) {
    throw new NotAllowedError(`Not allowed: ${permission.name}`);
  }
  const target = await locate();
  const resourceRef = llmOpsAssetResourceRef(target.kind, target.id);
  if (await access.allowedOn(credentials, permission, resourceRef)) {
    return credentials;
  }
  if (permission.attributes.action === 'read') throw hidden();
  throw new NotAllowedError(
    `Not allowed: ${permission.name} on ${resourceRef}`,
  );
}

/** authorizeAssetTarget for a route's `<kind>/{idOrName}`. */
export async function authorizeAsset(
  ctx: { access: AccessControl; assets: AssetStore },
  req: AnyRequest,
  permission: LlmOpsAssetPermission,
  kind: LlmOpsAssetKind,
  idOrName: string,
): Promise<BackstageCredentials> {
  return authorizeAssetTarget(
    ctx.access,
    req,
    permission,
    async () => ({ kind, id: (await ctx.assets.get(kind, idOrName)).id }),
    // The store's own words for a missing asset: hidden and missing look alike.
    () => new NotFoundError(`No ${kind} with id or name '${idOrName}'`),
  );
}

/**
 * authorizeAsset bound to one kind, for the routes whose path names the asset as `{idOrName}`:
 * `const authorizeModel = assetAuthorizer(ctx, 'model')`, then
 * `await authorizeModel(req, permissions.read)` in each route.
 */
export function assetAuthorizer(
  ctx: { access: AccessControl; assets: AssetStore },
  kind: LlmOpsAssetKind,
) {
  return (req: AnyRequest, permission: LlmOpsAssetPermission) =>
    authorizeAsset(ctx, req, permission, kind, req.params.idOrName);
}
