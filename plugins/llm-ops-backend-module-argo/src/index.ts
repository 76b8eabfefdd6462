/**
 * The Argo Workflows module of the llm-ops backend plugin: orchestration adapters that run
 * pipelines as Argo Workflows, through the Kubernetes API of each configured cluster or through
 * an Argo Server's REST API.
 *
 * @packageDocumentation
 */

export { llmOpsModuleArgo as default } from './module';
export * from './adapter';
export * from './argoServer';
export { toPipelineRunState } from './workflow/read';
