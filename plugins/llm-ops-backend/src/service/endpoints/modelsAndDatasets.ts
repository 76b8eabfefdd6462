import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { bindModelEndpoints } from './modelEndpoints';
import { bindDatasetEndpoints } from './datasetEndpoints';

/** /v1/models and /v1/datasets, with versions and aliases. */
export function bindModelAndDatasetEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
) {
  bindModelEndpoints(router, ctx);
  bindDatasetEndpoints(router, ctx);
}
