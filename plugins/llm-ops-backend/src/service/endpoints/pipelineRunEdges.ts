import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { PipelineRunEdgeFeed } from '../../database/PipelineRunEdgeFeed';
import { loadLineageNodeOwners } from '../../database/lineageOwners';
import { PipelineRunEdgeVisibility } from '../../permissions/pipelineRunEdgeAccess';

/**
 * GET /v1/pipeline-run-edges: the lineage edges leaving every pipeline run, in keyset pages, so
 * that a consumer mirroring the whole store (the catalog's entity provider) reads the lineage of
 * all pipelines in a few requests instead of one lineage graph per pipeline. Not under
 * /v1/pipelines/: a pipeline may be named like any word after it.
 */
export function bindPipelineRunEdgeEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
) {
  const feed = new PipelineRunEdgeFeed(ctx.db);
  router.get('/v1/pipeline-run-edges', async (req, res) => {
    const visibility = await PipelineRunEdgeVisibility.decide(ctx.access, req);
    const page = await feed.page({
      ...req.query,
      pipelineFilter: visibility.pipelineFilter(),
      excludeTargetTypes: visibility.deniedTargetTypes(),
    });
    const items = await visibility.visible(page.items, nodes =>
      loadLineageNodeOwners(ctx.db, nodes),
    );
    sendSuccess(
      res,
      {
        items,
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('pipeline-run'),
      },
      `${items.length} pipeline run edge(s)`,
    );
  });
}
