import type { Knex } from 'knex';
import type { AuditorService } from '@backstage/backend-plugin-api';
import type { AssetStore } from '../database/AssetStore';
import type { AccessControl } from './access';
import type { FreshnessService } from './freshness';
import type { RunStore } from '../database/RunStore';
import type { OutboxStore } from '../database/OutboxStore';
import type { TrackingWriter } from '../integrations/TrackingWriter';
import type { ServingWriter } from '../integrations/ServingWriter';
import type { OrchestrationWriter } from '../integrations/OrchestrationWriter';
import type { IntegrationRegistry } from './integrations';

/** What every endpoint binder needs; built once in createRouter. */
export type EndpointContext = {
  db: Knex;
  assets: AssetStore;
  access: AccessControl;
  auditor: AuditorService;
  freshness: FreshnessService;
  runs: RunStore;
  outbox: OutboxStore;
  /** Writes to experiments and runs: through the tracking tool, or queued when it is down. */
  tracking: TrackingWriter;
  /** Writes to endpoints: applied to their cluster (kserve), or queued when it is down. */
  serving: ServingWriter;
  /** Pipeline runs: submitted to their cluster (argo), or queued when it is down. */
  orchestration: OrchestrationWriter;
  /** The integrations and how they are doing (GET /v1/integrations, freshness of lists). */
  integrationRegistry: IntegrationRegistry;
};
