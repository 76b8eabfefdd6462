import express from 'express';
import Router from 'express-promise-router';
import { NotFoundError } from '@backstage/errors';
import type {
  AuditorService,
  CacheService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { Knex } from 'knex';
import { createOpenApiRouter, spec } from '../schema/openapi';
import { AssetStore } from '../database/AssetStore';
import { envelopeErrorHandler } from './envelope';
import { requireCredentials } from './authenticate';
import { AccessControl } from './access';
import type { FreshnessService } from './freshness';
import { RunStore } from '../database/RunStore';
import { OutboxStore } from '../database/OutboxStore';
import { TrackingWriter } from '../integrations/TrackingWriter';
import { ServingWriter } from '../integrations/ServingWriter';
import { OrchestrationWriter } from '../integrations/OrchestrationWriter';
import { EndpointStore } from '../database/EndpointStore';
import { PipelineStore } from '../database/PipelineStore';
import { PipelineRunStore } from '../database/PipelineRunStore';
import type { Integrations } from '../integrations/Integrations';
import type { EndpointContext } from './context';
import { bindHealthEndpoint } from './endpoints/health';
import { bindExperimentEndpoints } from './endpoints/experiments';
import { bindRunEndpoints } from './endpoints/runs';
import { bindLineageEndpoints } from './endpoints/lineage';
import { bindModelEndpoints } from './endpoints/modelEndpoints';
import { bindDatasetEndpoints } from './endpoints/datasetEndpoints';
import { bindEndpointAndPipelineEndpoints } from './endpoints/endpointsAndPipelines';
import { bindVersionFeedEndpoints } from './endpoints/versionFeeds';
import { bindPipelineRunEdgeEndpoints } from './endpoints/pipelineRunEdges';

export type RouterOptions = {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  database: DatabaseService;
  db: Knex;
  cache: CacheService;
  config: Config;
  integrations: Integrations;
  freshness?: FreshnessService;
};

/** Largest accepted JSON body; metric batches of thousands of points fit well inside it. */
const MAX_BODY = '5mb';

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const outer = Router();
  // Parsed here, outside the OpenAPI router, so that malformed JSON reaches our error handler
  // as body-parser's own error and is answered as a clear 400.
  outer.use(express.json({ limit: MAX_BODY }));
  // Credentials are checked before the OpenAPI validator, so an anonymous caller learns
  // nothing about the shape of the API beyond the public paths.
  outer.use(requireCredentials(options.httpAuth));
  // The spec as a document (not in the envelope): what generators and fuzzers read.
  outer.get('/v1/openapi.json', (_req, res) => {
    res.json(spec);
  });

  // body-parser skips a body that is already parsed, so this only satisfies the router's API.
  const api = await createOpenApiRouter({
    middleware: [express.json({ limit: MAX_BODY })],
  });
  const assets = new AssetStore(options.db);
  const runs = new RunStore(options.db, assets);
  const outbox = new OutboxStore(options.db);
  const ctx: EndpointContext = {
    db: options.db,
    assets,
    runs,
    outbox,
    access: new AccessControl(options.httpAuth, options.permissions),
    auditor: options.auditor,
    freshness: options.freshness ?? options.integrations.registry.freshness(),
    tracking: new TrackingWriter(
      options.db,
      assets,
      runs,
      outbox,
      options.integrations,
    ),
    serving: new ServingWriter(
      options.db,
      new EndpointStore(options.db, assets),
      outbox,
      options.integrations,
    ),
    orchestration: new OrchestrationWriter(
      options.db,
      new PipelineStore(options.db, assets),
      new PipelineRunStore(options.db),
      outbox,
      options.integrations,
    ),
    integrationRegistry: options.integrations.registry,
  };
  bindHealthEndpoint(api, options);
  bindExperimentEndpoints(api, ctx);
  bindRunEndpoints(api, ctx);
  bindLineageEndpoints(api, ctx);
  bindModelEndpoints(api, ctx);
  bindDatasetEndpoints(api, ctx);
  bindEndpointAndPipelineEndpoints(api, ctx);
  bindVersionFeedEndpoints(api, ctx);
  bindPipelineRunEdgeEndpoints(api, ctx);
  outer.use(api);

  outer.use('/v1', (req, _res, next) => {
    next(new NotFoundError(`No such route: ${req.method} ${req.originalUrl}`));
  });
  outer.use(envelopeErrorHandler(options.logger));
  return outer;
}
