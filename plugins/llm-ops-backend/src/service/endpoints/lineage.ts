import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { LineageGraph } from '../../database/LineageGraph';

const DEFAULT_DEPTH = 5;

/** GET /v1/lineage/{type}/{id}: upstream and downstream graph of any resource. */
export function bindLineageEndpoints(router: ApiRouter, ctx: EndpointContext) {
  const graph = new LineageGraph(ctx.db);
  router.get('/v1/lineage/:type/:id', async (req, res) => {
    // Lineage shows names of runs, models and datasets: reading it needs the read permissions
    // of the resources it spans.
    for (const resource of ['run', 'model', 'dataset'] as const) {
      await ctx.access.authorize(
        req,
        llmOpsPermissionsByResource[resource].read,
      );
    }
    const result = await graph.of(
      req.params.type,
      req.params.id,
      req.query.depth ?? DEFAULT_DEPTH,
    );
    sendSuccess(
      res,
      result,
      `${result.nodes.length} node(s), ${result.edges.length} edge(s)`,
    );
  });
}
