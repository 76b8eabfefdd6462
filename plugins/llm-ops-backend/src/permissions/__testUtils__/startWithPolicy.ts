import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import type { Knex } from 'knex';
import { llmOpsPlugin } from '../../plugin';
import { AssetStore } from '../../database/AssetStore';
import { registerLlmOpsAssetPermissions } from '../registerAssetPermissions';
import { policyPermissionsFactory } from './policyPermissions';

/**
 * Registers the llm-ops-asset resource type with the plugin's registry from a module, for as
 * long as plugin.ts does not call registerLlmOpsAssetPermissions itself (the call is
 * idempotent per registry, so both may run).
 */
const assetPermissionsModule = createBackendModule({
  pluginId: 'llm-ops',
  moduleId: 'test-asset-permissions',
  register(reg) {
    reg.registerInit({
      deps: {
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
      },
      async init({ permissionsRegistry, database }) {
        const knex = await database.getClient();
        registerLlmOpsAssetPermissions(
          permissionsRegistry,
          new AssetStore(knex),
        );
      },
    });
  },
});

/** The llm-ops plugin on the given database, its permissions decided by the policy. */
export async function startWithPolicy(options: {
  knex: Knex;
  policy: PermissionPolicy;
  ownership?: Record<string, string[]>;
}) {
  const { server } = await startTestBackend({
    features: [
      llmOpsPlugin,
      assetPermissionsModule,
      mockServices.database.factory({ knex: options.knex }),
      policyPermissionsFactory(options),
    ],
  });
  return server;
}
