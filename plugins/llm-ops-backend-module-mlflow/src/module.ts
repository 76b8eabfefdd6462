import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmOpsIntegrationsExtensionPoint } from '@llm-ops/backstage-plugin-llm-ops-node';
import { createMlflowClient } from './adapter/options';
import { MlflowRegistryAdapter } from './adapter/MlflowRegistryAdapter';
import { MlflowTrackingAdapter } from './adapter/MlflowTrackingAdapter';
import { readMlflowInstances } from './config';

/**
 * The MLflow module of the llm-ops backend. For each server under `llmOps.mlflow.instances` it
 * registers two adapters with the id `mlflow:<id>`: experiment tracking and model registry.
 * Which adapter serves a category is chosen by the llm-ops backend's own config.
 *
 * @public
 */
export const llmOpsModuleMlflow = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'mlflow',
  register(reg) {
    reg.registerInit({
      deps: {
        integrations: llmOpsIntegrationsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ integrations, config, logger }) {
        // Invalid config fails the startup here, with the config path in the message.
        const instances = readMlflowInstances(config);
        if (instances.length === 0) {
          logger.info(
            'No llmOps.mlflow config; no MLflow adapters were registered',
          );
          return;
        }
        for (const instance of instances) {
          const client = createMlflowClient(instance);
          integrations.addAdapter(
            MlflowTrackingAdapter.fromInstance(instance, client),
          );
          integrations.addAdapter(
            MlflowRegistryAdapter.fromInstance(instance, client),
          );
        }
        // Ids only: URLs can carry paths worth keeping private, and auth is never logged.
        logger.info(
          `Registered MLflow experiment-tracking and model-registry adapters for ${instances
            .map(instance => `mlflow:${instance.id}`)
            .join(', ')}`,
        );
      },
    });
  },
});
