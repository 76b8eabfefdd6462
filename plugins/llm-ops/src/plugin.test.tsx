import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import llmOpsPlugin from './index';
import { llmOpsPage, experimentsSubPage, lineageSubPage } from './pages';
import { modelEntityContent } from './entityContent';
import { endpointEntityCard } from './entityCards';
import type { Entity } from '@backstage/catalog-model';
import { isLlmOpsAvailable, llmOpsIdOf } from './annotations';

describe('llmOpsPlugin', () => {
  it('is the llm-ops plugin', () => {
    expect(llmOpsPlugin.id).toBe('llm-ops');
  });

  it('mounts the page at /llm-ops with its tabs under it', () => {
    expect(
      createExtensionTester(llmOpsPage).get(coreExtensionData.routePath),
    ).toBe('/llm-ops');
    // Sub-pages attach relative to the plugin's page, so they are checked by their definition.
    expect(String(experimentsSubPage)).toContain('kind=sub-page');
    expect(String(experimentsSubPage)).toContain('name=experiments');
    expect(String(lineageSubPage)).toContain('name=lineage');
  });

  it('offers entity content and cards for the llm-ops kinds', () => {
    expect(String(modelEntityContent)).toContain('kind=entity-content');
    expect(String(modelEntityContent)).toContain('name=model');
    expect(String(endpointEntityCard)).toContain('kind=entity-card');
    expect(String(endpointEntityCard)).toContain('name=endpoint-status');
  });
});

describe('annotations', () => {
  const entity = (kind: string, id?: string): Entity => ({
    apiVersion: 'llm-ops.io/v1alpha1',
    kind,
    metadata: {
      name: 'x',
      annotations: id
        ? { 'llm-ops.io/id': id }
        : ({} as Record<string, string>),
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
