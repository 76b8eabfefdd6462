import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/createRouter';

/**
 * The llm-ops backend plugin: the /llm-ops/v1 REST API over the plugin's own store.
 *
 * @public
 */
export const llmOpsPlugin = createBackendPlugin({
  pluginId: 'llm-ops',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        rootHttpRouter: coreServices.rootHttpRouter,
        database: coreServices.database,
        cache: coreServices.cache,
        config: coreServices.rootConfig,
      },
      async init({ httpRouter, rootHttpRouter, ...deps }) {
        const router = await createRouter(deps);
        // The router authenticates every non-public route itself (see authenticate.ts) so that
        // a missing token is answered in the envelope; Backstage's barrier would answer in its
        // own format first.
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        httpRouter.use(router);
        // Clients of the older platform call /llm-ops/v1 on the backend root.
        rootHttpRouter.use('/llm-ops', router);
      },
    });
  },
});
