import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmOpsIntegrationsExtensionPoint } from '@llm-ops/backstage-plugin-llm-ops-node';
import { DvcDataVersioningAdapter } from './adapter';

/**
 * The DVC module of the llm-ops backend. For each repository under `llmOps.dvc.repositories` it
 * registers a data-versioning adapter with the id `dvc:<name>`; the llm-ops backend reads the
 * adapters on its schedule and records the datasets, versions and stage lineage.
 *
 * @public
 */
export const llmOpsModuleDvc = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'dvc',
  register(reg) {
    reg.registerInit({
      deps: {
        integrations: llmOpsIntegrationsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        reader: coreServices.urlReader,
      },
      async init({ integrations, config, logger, reader }) {
        // Invalid config fails the startup here, naming the config path.
        const adapters = DvcDataVersioningAdapter.fromConfig(config, {
          reader,
          logger,
        });
        if (adapters.length === 0) {
          logger.info(
            'No llmOps.dvc config; no DVC data-versioning adapters were registered',
          );
          return;
        }
        for (const adapter of adapters) integrations.addAdapter(adapter);
        logger.info(
          `Registered DVC data-versioning adapters ${adapters
            .map(adapter => adapter.id)
            .join(', ')}`,
        );
      },
    });
  },
});
