/**
 * The Ray Serve module of the llm-ops backend plugin: a serving adapter per Ray cluster that
 * manages Ray Serve applications through the Serve REST API on the cluster's dashboard.
 *
 * @packageDocumentation
 */

export { llmOpsModuleRayServe as default } from './module';
export * from './adapter';
export * from './client';
export { readRayServeClusters } from './config';
export type { RayServeClusterConfig } from './config';
