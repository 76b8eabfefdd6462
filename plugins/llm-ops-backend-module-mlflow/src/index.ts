/**
 * The MLflow module of the llm-ops backend plugin: experiment-tracking and model-registry
 * adapters for MLflow servers, and the typed client for MLflow's REST API 2.0 they use.
 *
 * @packageDocumentation
 */

export { llmOpsModuleMlflow as default } from './module';
export * from './adapter';
export { readMlflowInstances } from './config';
export type { MlflowInstanceConfig } from './config';
export * from './client';
