/**
 * Test helpers for the llm-ops plugin and its tool modules: a test backend with the plugin and a
 * module on a real database, and a module alone with its adapters captured. A separate entry
 * point (`@llm-ops/backstage-plugin-llm-ops-node/testUtils`), so none of it reaches the runtime
 * bundle.
 *
 * @packageDocumentation
 */
export * from './llmOpsApi';
export * from './startLlmOpsTestBackend';
export * from './startLlmOpsClusterTestBackend';
export * from './startModuleCapturingAdapters';
export * from './SwitchableProxy';
