import type { Request } from 'express';
import type { createOpenApiRouter } from '../schema/openapi';

/** The router typed from openapi.yaml: handlers get typed params, queries and bodies. */
export type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** Typed routers narrow params, query and body; helpers that take a request accept any of them. */
export type AnyRequest = Request<any, any, any, any, any>;
