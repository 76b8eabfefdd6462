import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import {
  PipelineRunEdgeFeed,
  pipelineRunEdgeTargetTypes,
} from '../../database/PipelineRunEdgeFeed';
import { loadLineageNodeOwners } from '../../database/lineageOwners';
import { LineageVisibility } from '../../permissions/lineageAccess';

/**
 * GET /v1/pipeline-run-edges: the lineage edges leaving every pipeline run, in keyset pages, so
 * that a consumer mirroring the whole store (the catalog's entity provider) reads the lineage of
 * all pipelines in a few requests instead of one lineage graph per pipeline. Not under
 * /v1/pipelines/: a pipeline may be named like any word after it.
 *
 * Visibility as in the lineage graph: the pipeline read decides whose runs are read at all (a
 * DENY is a 403, a condition becomes SQL on the pipelines, applied before paging); an edge to
 * something the caller may not read is left out, by type in SQL when that read is denied
 * outright, else after loading the owners of the page's conditional targets. A page may hence
 * hold fewer than pageSize edges.
 */
export function bindPipelineRunEdgeEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
) {
  const feed = new PipelineRunEdgeFeed(ctx.db);
  router.get('/v1/pipeline-run-edges', async (req, res) => {
    const visibility = await LineageVisibility.decide(ctx.access, req);
    const page = await feed.page({
      ...req.query,
      pipelineFilter: visibility.listFilter(
        llmOpsPermissionsByResource.pipeline.read,
      ),
      excludeTargetTypes: visibility.deniedTypes(pipelineRunEdgeTargetTypes),
    });
    const targets = page.items.map(edge => ({
      type: edge.toType,
      id: edge.toId,
    }));
    const readable = await visibility.readable(targets, nodes =>
      loadLineageNodeOwners(ctx.db, nodes),
    );
    const items = page.items.filter((_, i) => readable(targets[i]));
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
