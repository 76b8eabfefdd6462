import {
  llmOpsEndpointDeployPermission,
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
});
