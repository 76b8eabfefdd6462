import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { llmOpsPermissions } from '@llm-ops/backstage-plugin-llm-ops-common';
import { openDatabase } from './database/migrate';
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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        database: coreServices.database,
        cache: coreServices.cache,
        config: coreServices.rootConfig,
      },
      async init({ httpRouter, rootHttpRouter, permissionsRegistry, ...deps }) {
        permissionsRegistry.addPermissions(llmOpsPermissions);
        const db = await openDatabase(deps.database);
        const router = await createRouter({ ...deps, db });
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
