import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { llmOpsPermissions } from '@llm-ops/backstage-plugin-llm-ops-common';
import {
  llmOpsIntegrationsExtensionPoint,
  type LlmOpsAdapter,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { openDatabase } from './database/migrate';
import { AssetStore } from './database/AssetStore';
import { registerLlmOpsAssetPermissions } from './permissions/registerAssetPermissions';
import { createRouter } from './service/createRouter';
import { readLlmOpsConfig } from './integrations/config';
import { Integrations } from './integrations/Integrations';
import { scheduleIntegrationTasks } from './integrations/schedule';
import { scheduleSourceSyncs } from './integrations/sourceSchedule';
import { startClusterIntegrations } from './integrations/ClusterIntegrations';
import { seedDemoData } from './demo/seedDemoData';
import path from 'node:path';

/**
 * The llm-ops backend plugin: the /llm-ops/v1 REST API over the plugin's own store, kept fresh
 * from the tools that modules contribute through `llmOpsIntegrationsExtensionPoint`.
 *
 * @public
 */
export const llmOpsPlugin = createBackendPlugin({
  pluginId: 'llm-ops',
  register(env) {
    const adapters: LlmOpsAdapter[] = [];
    env.registerExtensionPoint(llmOpsIntegrationsExtensionPoint, {
      addAdapter(adapter) {
        if (
          adapters.some(
            a => a.id === adapter.id && a.category === adapter.category,
          )
        ) {
          throw new Error(
            `An llm-ops ${adapter.category} adapter with id '${adapter.id}' is already registered`,
          );
        }
        adapters.push(adapter);
      },
    });
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
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
      },
      async init({
        httpRouter,
        rootHttpRouter,
        permissionsRegistry,
        scheduler,
        lifecycle,
        ...deps
      }) {
        permissionsRegistry.addPermissions(llmOpsPermissions);
        const db = await openDatabase(deps.database);
        // Resource permissions of llm-ops assets, so policies can answer with conditions
        // (owner, tag, kind) that the list routes turn into SQL.
        registerLlmOpsAssetPermissions(permissionsRegistry, new AssetStore(db));
        const settings = readLlmOpsConfig(deps.config);
        const integrations = new Integrations(adapters, settings, deps.logger);
        // Demo data belongs to the embedded default: never with a tracking tool, never into a
        // store that already holds something.
        if (settings.demoData.enabled && !integrations.tracking()) {
          await seedDemoData({
            db,
            file: path.resolve(settings.demoData.file),
            logger: deps.logger,
          });
        }
        const router = await createRouter({ ...deps, db, integrations });
        await scheduleIntegrationTasks({
          db,
          integrations,
          scheduler,
          logger: deps.logger,
        });
        // Hugging Face imports and DVC repositories, with or without a tracking tool.
        await scheduleSourceSyncs({
          db,
          integrations,
          scheduler,
          logger: deps.logger,
        });
        // Serving and orchestration per cluster: relays, health checks, and the watches, which
        // run until the backend shuts down.
        const clusters = await startClusterIntegrations({
          db,
          integrations,
          scheduler,
          logger: deps.logger,
        });
        lifecycle.addShutdownHook(() => clusters.stop());
        // The router authenticates every non-public route itself (see authenticate.ts) so that
        // a missing token is answered in the envelope; Backstage's barrier would answer in its
        // own format first.
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        httpRouter.use(router);
        // Clients of the older platform call /llm-ops/v1 on the backend root. Only /v1 is theirs:
        // every other /llm-ops path is the frontend's (/llm-ops/experiments/...), which a backend
        // that serves the app must hand on to the app.
        rootHttpRouter.use('/llm-ops', (req, res, next) =>
          req.path === '/v1' || req.path.startsWith('/v1/')
            ? router(req, res, next)
            : next(),
        );
      },
    });
  },
});
