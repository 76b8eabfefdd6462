import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmOpsIntegrationsExtensionPoint } from '@llm-ops/backstage-plugin-llm-ops-node';
import { KServeServingAdapter } from './adapter';

/**
 * The KServe module of the llm-ops backend. For each cluster under `llmOps.kubernetes.clusters`
 * it registers a serving adapter with the id `kserve:<cluster>`. Which serving adapter is active
 * is chosen by the llm-ops backend's own config.
 *
 * @public
 */
export const llmOpsModuleKserve = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'kserve',
  register(reg) {
    reg.registerInit({
      deps: {
        integrations: llmOpsIntegrationsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ integrations, config, logger }) {
        // Invalid config, or a kubeconfig file that cannot be read, fails the startup here.
        const adapters = KServeServingAdapter.fromConfig(config, { logger });
        if (adapters.length === 0) {
          logger.info(
            'No llmOps.kubernetes config; no KServe adapters were registered',
          );
          return;
        }
        for (const adapter of adapters) integrations.addAdapter(adapter);
        // Ids only: server URLs and credentials stay out of the log.
        logger.info(
          `Registered KServe serving adapters ${adapters
            .map(adapter => adapter.id)
            .join(', ')}`,
        );
      },
    });
  },
});
