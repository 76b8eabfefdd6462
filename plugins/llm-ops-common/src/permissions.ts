import { createPermission } from '@backstage/plugin-permission-common';

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

const actions = ['read', 'create', 'update', 'delete'] as const;

/** @public */
export type LlmOpsAction = (typeof actions)[number];

function crudPermissions(resource: LlmOpsResource) {
  return Object.fromEntries(
    actions.map(action => [
      action,
      createPermission({
        name: `llm-ops.${resource}.${action}`,
        attributes: { action },
      }),
    ]),
  ) as Record<LlmOpsAction, ReturnType<typeof createPermission>>;
}

/**
 * Permissions by resource and action, e.g. `llmOpsPermissionsByResource.model.create`.
 *
 * @public
 */
export const llmOpsPermissionsByResource = Object.fromEntries(
  LLM_OPS_RESOURCES.map(resource => [resource, crudPermissions(resource)]),
) as Record<
  LlmOpsResource,
  Record<LlmOpsAction, ReturnType<typeof createPermission>>
>;

/**
 * Rolling a model version out to an endpoint (a new deployment or a canary).
 *
 * @public
 */
export const llmOpsEndpointDeployPermission = createPermission({
  name: 'llm-ops.endpoint.deploy',
  attributes: { action: 'update' },
});

/**
 * Promoting a canary to take all traffic, or rolling it back.
 *
 * @public
 */
export const llmOpsEndpointPromotePermission = createPermission({
  name: 'llm-ops.endpoint.promote',
  attributes: { action: 'update' },
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
