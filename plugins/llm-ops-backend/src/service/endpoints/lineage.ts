import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { LineageGraph, lineageRootNotFound } from '../../database/LineageGraph';
import { loadLineageNodeOwners } from '../../database/lineageOwners';
import { LineageVisibility } from '../../permissions/lineageAccess';

const DEFAULT_DEPTH = 5;

/**
 * GET /v1/lineage/{type}/{id}: upstream and downstream graph of any resource. The graph spans
 * assets of many owners: the caller must be able to read the root (404 like a missing one
 * otherwise, 403 when the policy denies its kind outright) and sees every other node they may
 * not read as a placeholder (see LineageVisibility).
 */
export function bindLineageEndpoints(router: ApiRouter, ctx: EndpointContext) {
  const graph = new LineageGraph(ctx.db);
  router.get('/v1/lineage/:type/:id', async (req, res) => {
    const { type, id } = req.params;
    const visibility = await LineageVisibility.decide(ctx.access, req);
    visibility.assertRootTypeReadable(type);
    const result = await visibility.redact(
      await graph.of(type, id, req.query.depth ?? DEFAULT_DEPTH),
      nodes => loadLineageNodeOwners(ctx.db, nodes),
      () => lineageRootNotFound(type, id),
    );
    sendSuccess(
      res,
      result,
      `${result.nodes.length} node(s), ${result.edges.length} edge(s)`,
    );
  });
}
