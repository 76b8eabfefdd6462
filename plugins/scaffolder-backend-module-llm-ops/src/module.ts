import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createLlmOpsActions } from './actions';

/**
 * The scaffolder module of LLM Ops: the `llm-ops:*` actions, which create experiments, register
 * datasets and models, deploy, promote and roll back endpoints and submit pipeline runs through
 * the llm-ops API, as the user who runs the template.
 *
 * @public
 */
export const scaffolderModuleLlmOps = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'llm-ops',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, ...options }) {
        scaffolder.addActions(...createLlmOpsActions(options));
      },
    });
  },
});
