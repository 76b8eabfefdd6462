import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { LlmOpsEntitiesProcessor } from './processor/LlmOpsEntitiesProcessor';
import { LlmOpsEntityProvider } from './provider/LlmOpsEntityProvider';

/**
 * The catalog module of LLM Ops: the Experiment, Model, Endpoint, Dataset and Pipeline kinds
 * (validated, with their relations) and the entity provider that mirrors the llm-ops store.
 *
 * @public
 */
export const catalogModuleLlmOps = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'llm-ops',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        catalogService: catalogServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, catalogService, ...deps }) {
        catalog.addProcessor(new LlmOpsEntitiesProcessor());
        catalog.addEntityProvider(
          LlmOpsEntityProvider.create({ ...deps, catalog: catalogService }),
        );
      },
    });
  },
});
