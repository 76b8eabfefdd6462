/**
 * The scaffolder module of LLM Ops: `llm-ops:*` actions for golden-path templates (experiments,
 * datasets, models, endpoints and pipelines), acting as the user who runs the template.
 *
 * @packageDocumentation
 */

export { scaffolderModuleLlmOps as default } from './module';
export {
  createLlmOpsActions,
  createDatasetRegisterAction,
  createEndpointDeployAction,
  createEndpointPromoteAction,
  createEndpointRollbackAction,
  createExperimentCreateAction,
  createModelRegisterAction,
  createPipelineSubmitAction,
} from './actions';
export type { LlmOpsActionOptions } from './lib/context';
