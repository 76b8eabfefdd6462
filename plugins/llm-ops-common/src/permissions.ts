import {
  createPermission,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * The ML assets the llm-ops API manages; each has read, create, update and delete permissions.
 *
 * @public
 */
export const LLM_OPS_RESOURCES = [
  'experiment',
  'run',
  'model',
  'dataset',
  'endpoint',
  'pipeline',
] as const;

/** @public */
export type LlmOpsResource = (typeof LLM_OPS_RESOURCES)[number];

/**
 * The resources that are named assets with an owner and tags (every resource but runs, which
 * belong to their experiment).
 *
 * @public
 */
export type LlmOpsAssetKind = Exclude<LlmOpsResource, 'run'>;

/**
 * The permission resource type of llm-ops assets. Its resource refs are `<kind>:<id or name>`,
 * e.g. `model:churn-classifier` (see {@link llmOpsAssetResourceRef}).
 *
 * @public
 */
export const LLM_OPS_ASSET_RESOURCE_TYPE = 'llm-ops-asset';

/** @public */
export type LlmOpsAssetPermission = ResourcePermission<
  typeof LLM_OPS_ASSET_RESOURCE_TYPE
>;

/**
 * The resource ref of one asset, as the llm-ops backend passes it to the permission framework.
 *
 * @public
 */
export function llmOpsAssetResourceRef(
  kind: LlmOpsAssetKind,
  idOrName: string,
): string {
  return `${kind}:${idOrName}`;
}

const actions = ['read', 'create', 'update', 'delete'] as const;

/** @public */
export type LlmOpsAction = (typeof actions)[number];

/**
 * The permissions of one asset kind. Reading, changing and deleting act on one asset, so a
 * policy may answer them conditionally (e.g. "only what the user owns"); creating has no asset
 * yet, so it is a basic permission.
 *
 * @public
 */
export type LlmOpsAssetPermissions = {
  read: LlmOpsAssetPermission;
  create: BasicPermission;
  update: LlmOpsAssetPermission;
  delete: LlmOpsAssetPermission;
};

/** @public */
export type LlmOpsRunPermissions = Record<LlmOpsAction, BasicPermission>;

function assetPermission(
  name: string,
  action: 'read' | 'update' | 'delete',
): LlmOpsAssetPermission {
  return createPermission({
    name,
    attributes: { action },
    resourceType: LLM_OPS_ASSET_RESOURCE_TYPE,
  });
}

function assetPermissions(kind: LlmOpsAssetKind): LlmOpsAssetPermissions {
  return {
    read: assetPermission(`llm-ops.${kind}.read`, 'read'),
    create: createPermission({
      name: `llm-ops.${kind}.create`,
      attributes: { action: 'create' },
    }),
    update: assetPermission(`llm-ops.${kind}.update`, 'update'),
    delete: assetPermission(`llm-ops.${kind}.delete`, 'delete'),
  };
}

// Runs are reached through their experiment's id, not as assets of their own: basic permissions.
const runPermissions = Object.fromEntries(
  actions.map(action => [
    action,
    createPermission({ name: `llm-ops.run.${action}`, attributes: { action } }),
  ]),
) as LlmOpsRunPermissions;

/**
 * Permissions by resource and action, e.g. `llmOpsPermissionsByResource.model.create`.
 *
 * @public
 */
export const llmOpsPermissionsByResource: {
  run: LlmOpsRunPermissions;
} & Record<LlmOpsAssetKind, LlmOpsAssetPermissions> = {
  experiment: assetPermissions('experiment'),
  run: runPermissions,
  model: assetPermissions('model'),
  dataset: assetPermissions('dataset'),
  endpoint: assetPermissions('endpoint'),
  pipeline: assetPermissions('pipeline'),
};

/**
 * Rolling a model version out to an existing endpoint (a new deployment or a canary). A resource
 * permission on that endpoint (`endpoint:<id>`), so a policy may allow it only to the endpoint's
 * owners.
 *
 * @public
 */
export const llmOpsEndpointDeployPermission: LlmOpsAssetPermission =
  createPermission({
    name: 'llm-ops.endpoint.deploy',
    attributes: { action: 'update' },
    resourceType: LLM_OPS_ASSET_RESOURCE_TYPE,
  });

/**
 * Promoting an endpoint's canary to take all traffic, or rolling it back. A resource permission
 * on the endpoint, like {@link llmOpsEndpointDeployPermission}.
 *
 * @public
 */
export const llmOpsEndpointPromotePermission: LlmOpsAssetPermission =
  createPermission({
    name: 'llm-ops.endpoint.promote',
    attributes: { action: 'update' },
    resourceType: LLM_OPS_ASSET_RESOURCE_TYPE,
  });

/**
 * Every permission of the suite, for registration with the permissions framework.
 *
 * @public
 */
export const llmOpsPermissions = [
  ...Object.values(llmOpsPermissionsByResource).flatMap(byAction =>
    Object.values(byAction),
  ),
  llmOpsEndpointDeployPermission,
  llmOpsEndpointPromotePermission,
];

/**
 * The permissions a policy may answer with a condition on the asset (`llm-ops-asset`): read,
 * update and delete of every asset kind, and deploy and promote of endpoints.
 *
 * @public
 */
export const llmOpsAssetPermissions: LlmOpsAssetPermission[] =
  llmOpsPermissions.filter(
    (p): p is LlmOpsAssetPermission =>
      p.type === 'resource' &&
      (p as LlmOpsAssetPermission).resourceType === LLM_OPS_ASSET_RESOURCE_TYPE,
  );
