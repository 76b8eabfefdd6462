import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  LLM_OPS_ASSET_RESOURCE_TYPE,
  llmOpsAssetPermissions,
  llmOpsAssetResourceRef,
  llmOpsEndpointDeployPermission,
  llmOpsEndpointPromotePermission,
  llmOpsPermissions,
  llmOpsPermissionsByResource,
} from './permissions';

describe('llm-ops permissions', () => {
  it('has read, create, update and delete for every resource, with unique names', () => {
    const names = llmOpsPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('llm-ops.experiment.read');
    expect(names).toContain('llm-ops.pipeline.delete');
    expect(names).toHaveLength(6 * 4 + 2);
  });

  it('marks each permission with the action that policies match on', () => {
    expect(llmOpsPermissionsByResource.model.create.attributes.action).toBe(
      'create',
    );
    expect(llmOpsPermissionsByResource.run.read.attributes.action).toBe('read');
    expect(llmOpsEndpointDeployPermission.name).toBe('llm-ops.endpoint.deploy');
  });

  it('makes read, update and delete of assets resource permissions', () => {
    for (const kind of [
      'experiment',
      'model',
      'dataset',
      'endpoint',
      'pipeline',
    ] as const) {
      const byAction = llmOpsPermissionsByResource[kind];
      for (const action of ['read', 'update', 'delete'] as const) {
        expect(
          isResourcePermission(byAction[action], LLM_OPS_ASSET_RESOURCE_TYPE),
        ).toBe(true);
      }
      // Nothing to put a condition on before the asset exists.
      expect(isResourcePermission(byAction.create)).toBe(false);
    }
    // Runs are not assets of their own.
    expect(isResourcePermission(llmOpsPermissionsByResource.run.read)).toBe(
      false,
    );
    expect(llmOpsAssetPermissions).toHaveLength(5 * 3 + 2);
  });

  it('makes deploy and promote resource permissions on the endpoint', () => {
    // Both act on an existing endpoint, so a policy may allow them only to its owners.
    for (const permission of [
      llmOpsEndpointDeployPermission,
      llmOpsEndpointPromotePermission,
    ]) {
      expect(
        isResourcePermission(permission, LLM_OPS_ASSET_RESOURCE_TYPE),
      ).toBe(true);
      expect(permission.attributes.action).toBe('update');
      expect(llmOpsAssetPermissions).toContain(permission);
    }
  });

  it('builds resource refs as kind:id', () => {
    expect(llmOpsAssetResourceRef('model', 'churn')).toBe('model:churn');
  });
});
