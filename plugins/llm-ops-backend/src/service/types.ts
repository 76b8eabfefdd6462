import type { createOpenApiRouter } from '../schema/openapi';

/** The router typed from openapi.yaml: handlers get typed params, queries and bodies. */
export type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;
