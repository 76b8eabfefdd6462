import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmOpsIntegrationsExtensionPoint } from '@llm-ops/backstage-plugin-llm-ops-node';
import { HuggingFaceModelRegistryAdapter } from './adapter';

/**
 * The Hugging Face module of the llm-ops backend. For each hub under `llmOps.huggingface.hubs`
 * it registers a read-only model registry adapter (capability `import`) with the id
 * `huggingface:<hub>`; the llm-ops backend syncs its models next to the active registry's.
 *
 * @public
 */
export const llmOpsModuleHuggingFace = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'huggingface',
  register(reg) {
    reg.registerInit({
      deps: {
        integrations: llmOpsIntegrationsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ integrations, config, logger }) {
        // Invalid config fails the startup here, naming the config path.
        const adapters = HuggingFaceModelRegistryAdapter.fromConfig(config);
        if (adapters.length === 0) {
          logger.info(
            'No llmOps.huggingface config; no Hugging Face adapters were registered',
          );
          return;
        }
        for (const adapter of adapters) integrations.addAdapter(adapter);
        // Ids only: hub URLs and tokens stay out of the log.
        logger.info(
          `Registered Hugging Face model registry adapters ${adapters
            .map(adapter => adapter.id)
            .join(', ')}`,
        );
      },
    });
  },
});
