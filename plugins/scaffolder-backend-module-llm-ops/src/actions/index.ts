export { createExperimentCreateAction } from './experimentCreate';
export { createDatasetRegisterAction } from './datasetRegister';
export { createModelRegisterAction } from './modelRegister';
export { createEndpointDeployAction } from './endpointDeploy';
export {
  createEndpointPromoteAction,
  createEndpointRollbackAction,
} from './endpointCanary';
export { createPipelineSubmitAction } from './pipelineSubmit';

import type { LlmOpsActionOptions } from '../lib/context';
import { createDatasetRegisterAction } from './datasetRegister';
import { createEndpointDeployAction } from './endpointDeploy';
import {
  createEndpointPromoteAction,
  createEndpointRollbackAction,
} from './endpointCanary';
import { createExperimentCreateAction } from './experimentCreate';
import { createModelRegisterAction } from './modelRegister';
import { createPipelineSubmitAction } from './pipelineSubmit';

/**
 * Every llm-ops scaffolder action, built with the same options.
 *
 * @public
 */
export function createLlmOpsActions(options: LlmOpsActionOptions) {
  return [
    createExperimentCreateAction(options),
    createDatasetRegisterAction(options),
    createModelRegisterAction(options),
    createEndpointDeployAction(options),
    createEndpointPromoteAction(options),
    createEndpointRollbackAction(options),
    createPipelineSubmitAction(options),
  ];
}
