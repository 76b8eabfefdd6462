import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { audited } from '../audit';
import { principalOf } from '../access';
import { withIdempotency } from '../idempotency';
import { assetView } from '../views';

const permissions = llmOpsPermissionsByResource.experiment;

/** /v1/experiments: list, create, get, update, soft-delete. */
export function bindExperimentEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
) {
  router.get('/v1/experiments', async (req, res) => {
    await ctx.access.authorize(req, permissions.read);
    const page = await ctx.assets.list('experiment', req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(assetView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('experiment'),
      },
      `${page.items.length} experiment(s)`,
    );
  });

  router.post('/v1/experiments', async (req, res) => {
    const credentials = await ctx.access.authorize(req, permissions.create);
    const answer = await withIdempotency(
      ctx.db,
      req,
      principalOf(credentials),
      req.header('idempotency-key'),
      tx =>
        audited(
          ctx.auditor,
          req,
          'experiment-create',
          { name: req.body.name },
          async () => {
            const experiment = await ctx.assets.create(
              'experiment',
              req.body,
              tx,
            );
            return {
              id: experiment.id,
              status: 201,
              body: {
                status: 'success',
                message: `Experiment '${experiment.name}' created`,
                data: assetView(experiment),
              },
            };
          },
        ),
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/experiments/:idOrName', async (req, res) => {
    await ctx.access.authorize(req, permissions.read);
    const experiment = await ctx.assets.get('experiment', req.params.idOrName);
    sendSuccess(res, assetView(experiment), `Experiment '${experiment.name}'`);
  });

  router.patch('/v1/experiments/:idOrName', async (req, res) => {
    await ctx.access.authorize(req, permissions.update);
    const experiment = await audited(
      ctx.auditor,
      req,
      'experiment-update',
      { experiment: req.params.idOrName, fields: Object.keys(req.body) },
      () =>
        ctx.db.transaction(tx =>
          ctx.assets.update('experiment', req.params.idOrName, req.body, tx),
        ),
    );
    sendSuccess(
      res,
      assetView(experiment),
      `Experiment '${experiment.name}' updated`,
    );
  });

  router.delete('/v1/experiments/:idOrName', async (req, res) => {
    await ctx.access.authorize(req, permissions.delete);
    const experiment = await audited(
      ctx.auditor,
      req,
      'experiment-delete',
      { experiment: req.params.idOrName },
      () =>
        ctx.db.transaction(tx =>
          ctx.assets.update(
            'experiment',
            req.params.idOrName,
            { lifecycle: 'deleted' },
            tx,
          ),
        ),
    );
    sendSuccess(
      res,
      { id: experiment.id },
      `Experiment '${experiment.name}' deleted`,
    );
  });
}
