import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import llmOpsPlugin from './index';
import { llmOpsPage, experimentsSubPage, lineageSubPage } from './pages';
import { modelEntityContent } from './entityContent';
import { endpointEntityCard } from './entityCards';
import { isLlmOpsAvailable, llmOpsIdOf } from './annotations';

describe('llmOpsPlugin', () => {
  it('is the llm-ops plugin', () => {
    expect(llmOpsPlugin.id).toBe('llm-ops');
  });

  it('mounts the page at /llm-ops with its tabs under it', () => {
    expect(
      createExtensionTester(llmOpsPage).get(coreExtensionData.routePath),
    ).toBe('/llm-ops');
    expect(
      createExtensionTester(experimentsSubPage).get(
        coreExtensionData.routePath,
      ),
    ).toBe('experiments');
    expect(
      createExtensionTester(lineageSubPage).get(coreExtensionData.title),
    ).toBe('Lineage');
  });

  it('offers entity content and cards for the llm-ops kinds', () => {
    expect(String(modelEntityContent)).toContain('kind=entity-content');
    expect(String(modelEntityContent)).toContain('name=model');
    expect(String(endpointEntityCard)).toContain('kind=entity-card');
    expect(String(endpointEntityCard)).toContain('name=endpoint-status');
  });
});

describe('annotations', () => {
  const entity = (kind: string, id?: string) => ({
    apiVersion: 'llm-ops.io/v1alpha1',
    kind,
    metadata: {
      name: 'x',
      annotations: id ? { 'llm-ops.io/id': id } : {},
    },
  });

  it('reads the llm-ops id of an entity', () => {
    expect(llmOpsIdOf(entity('Model', 'abc'))).toBe('abc');
    expect(llmOpsIdOf(entity('Model'))).toBeUndefined();
  });

  it('knows which entities are llm-ops resources', () => {
    expect(isLlmOpsAvailable(entity('Endpoint', 'abc'))).toBe(true);
    expect(isLlmOpsAvailable(entity('Endpoint'))).toBe(false);
    expect(isLlmOpsAvailable(entity('Component', 'abc'))).toBe(false);
  });
});
