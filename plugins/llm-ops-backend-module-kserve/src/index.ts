/**
 * The KServe module of the llm-ops backend plugin: a serving adapter per Kubernetes cluster that
 * manages KServe InferenceServices, and the Kubernetes layer (cluster config, custom-resource
 * client, watch loop) that the llm-ops Argo module shares.
 *
 * @packageDocumentation
 */

export { llmOpsModuleKserve as default } from './module';
export * from './adapter';
export * from './kubernetes';
