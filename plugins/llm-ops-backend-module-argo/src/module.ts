import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

export const llmOpsModuleArgo = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'argo',
  register(reg) {
    reg.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.info('Hello World!');
      },
    });
  },
});
