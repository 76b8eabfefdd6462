import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmOpsIntegrationsExtensionPoint } from '@llm-ops/backstage-plugin-llm-ops-node';
import { RayServeServingAdapter } from './adapter';

/**
 * The Ray Serve module of the llm-ops backend. For each cluster under `llmOps.rayServe.clusters`
 * it registers a serving adapter with the id `ray-serve:<cluster>`. Which serving adapter an
 * endpoint uses is chosen by the llm-ops backend.
 *
 * @public
 */
export const llmOpsModuleRayServe = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'ray-serve',
  register(reg) {
    reg.registerInit({
      deps: {
        integrations: llmOpsIntegrationsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ integrations, config, logger }) {
        // Invalid config fails the startup here, naming the config path.
        const adapters = RayServeServingAdapter.fromConfig(config, { logger });
        if (adapters.length === 0) {
          logger.info(
            'No llmOps.rayServe config; no Ray Serve adapters were registered',
          );
          return;
        }
        for (const adapter of adapters) integrations.addAdapter(adapter);
        // Ids only: dashboard URLs and tokens stay out of the log.
        logger.info(
          `Registered Ray Serve serving adapters ${adapters
            .map(adapter => adapter.id)
            .join(', ')}`,
        );
      },
    });
  },
});
