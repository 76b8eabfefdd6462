import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { llmOpsIntegrationsExtensionPoint } from '@llm-ops/backstage-plugin-llm-ops-node';
import { ArgoOrchestrationAdapter } from './adapter';
import { ArgoServerOrchestrationAdapter } from './argoServer';

/**
 * The Argo Workflows module of the llm-ops backend. It registers an orchestration adapter
 * `argo:<cluster>` per cluster under `llmOps.kubernetes.clusters` (Workflows through the
 * Kubernetes API) and `argo-server:<name>` per server under `llmOps.argo.servers` (through the
 * Argo Server's REST API). Which orchestration adapter is active is chosen by the llm-ops
 * backend's own config.
 *
 * @public
 */
export const llmOpsModuleArgo = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'argo',
  register(reg) {
    reg.registerInit({
      deps: {
        integrations: llmOpsIntegrationsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ integrations, config, logger }) {
        // Invalid config, or a kubeconfig file that cannot be read, fails the startup here.
        const adapters = [
          ...ArgoOrchestrationAdapter.fromConfig(config, { logger }),
          ...ArgoServerOrchestrationAdapter.fromConfig(config),
        ];
        if (adapters.length === 0) {
          logger.info(
            'No llmOps.kubernetes or llmOps.argo config; no Argo adapters were registered',
          );
          return;
        }
        for (const adapter of adapters) integrations.addAdapter(adapter);
        // Ids only: URLs and tokens stay out of the log.
        logger.info(
          `Registered Argo Workflows orchestration adapters ${adapters
            .map(adapter => adapter.id)
            .join(', ')}`,
        );
      },
    });
  },
});
