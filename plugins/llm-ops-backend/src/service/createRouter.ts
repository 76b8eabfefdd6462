import express from 'express';
import Router from 'express-promise-router';
import { NotFoundError } from '@backstage/errors';
import type {
  CacheService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { createOpenApiRouter, spec } from '../schema/openapi';
import { envelopeErrorHandler } from './envelope';
import { requireCredentials } from './authenticate';
import { bindHealthEndpoint } from './endpoints/health';

export type RouterOptions = {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  database: DatabaseService;
  cache: CacheService;
  config: Config;
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

  // body-parser skips a body that is already parsed, so this only satisfies the router's API.
  const api = await createOpenApiRouter({
    middleware: [express.json({ limit: MAX_BODY })],
  });
  bindHealthEndpoint(api, options);
  // The spec as a document (not in the envelope): what generators and fuzzers read.
  outer.get('/v1/openapi.json', (_req, res) => {
    res.json(spec);
  });
  outer.use(api);

  outer.use('/v1', (req, _res, next) => {
    next(new NotFoundError(`No such route: ${req.method} ${req.originalUrl}`));
  });
  outer.use(envelopeErrorHandler(options.logger));
  return outer;
}
