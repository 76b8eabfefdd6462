import type { Knex } from 'knex';
import type { AuditorService } from '@backstage/backend-plugin-api';
import type { AssetStore } from '../database/AssetStore';
import type { AccessControl } from './access';
import type { FreshnessService } from './freshness';

/** What every endpoint binder needs; built once in createRouter. */
export type EndpointContext = {
  db: Knex;
  assets: AssetStore;
  access: AccessControl;
  auditor: AuditorService;
  freshness: FreshnessService;
};
