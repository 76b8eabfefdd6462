import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import {
  llmOpsIntegrationsExtensionPoint,
  type LlmOpsAdapter,
} from '../extensionPoints';

/**
 * Starts a tool module alone with the given config, capturing the adapters it adds to the
 * integrations extension point and what it logs, without the llm-ops plugin: what a module's own
 * test checks (which adapters its config yields, that secrets stay out of the log). Rejects as
 * the backend startup does when the module refuses its config.
 *
 * @public
 */
export async function startModuleCapturingAdapters(
  module: BackendFeature,
  config: JsonObject,
) {
  const adapters: LlmOpsAdapter[] = [];
  const logger = mockServices.logger.mock();
  await startTestBackend({
    extensionPoints: [
      [
        llmOpsIntegrationsExtensionPoint,
        { addAdapter: (adapter: LlmOpsAdapter) => adapters.push(adapter) },
      ],
    ],
    features: [
      module,
      mockServices.rootConfig.factory({ data: config }),
      logger.factory,
    ],
  });
  return { adapters, logger };
}
