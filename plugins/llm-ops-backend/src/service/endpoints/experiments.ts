import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { answerAuditedToolWrite } from './auditedToolWrite';
import { idempotentToolCreate } from './idempotentCreate';
import { assetView } from '../views';
import { writeAnswer } from '../writeAnswers';
import { assetAuthorizer, visibleAssets } from '../../permissions/assetAccess';

const permissions = llmOpsPermissionsByResource.experiment;

/** /v1/experiments: list, create, get, update, soft-delete; writes go through the tracking tool. */
export function bindExperimentEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
) {
  const authorizeExperiment = assetAuthorizer(ctx, 'experiment');
  router.get('/v1/experiments', async (req, res) => {
    const assets = await visibleAssets(ctx, req, permissions.read);
    const page = await assets.list('experiment', req.query);
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
    const answer = await idempotentToolCreate(
      ctx,
      req,
      {
        permission: permissions.create,
        eventId: 'experiment-create',
        meta: { name: req.body.name },
      },
      async commit => {
        const result = await ctx.tracking.createExperiment(
          req.body,
          (tx, written) =>
            commit(
              tx,
              writeAnswer(
                written,
                assetView,
                201,
                `Experiment '${written.resource.name}' created`,
              ),
            ),
        );
        return { id: result.resource.id };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/experiments/:idOrName', async (req, res) => {
    await authorizeExperiment(req, permissions.read);
    const experiment = await ctx.assets.get('experiment', req.params.idOrName);
    sendSuccess(res, assetView(experiment), `Experiment '${experiment.name}'`);
  });

  router.patch('/v1/experiments/:idOrName', async (req, res) => {
    await authorizeExperiment(req, permissions.update);
    await answerAuditedToolWrite(
      ctx,
      req,
      res,
      {
        eventId: 'experiment-update',
        meta: {
          experiment: req.params.idOrName,
          fields: Object.keys(req.body),
        },
      },
      () => ctx.tracking.updateExperiment(req.params.idOrName, req.body),
      {
        view: assetView,
        message: resource => `Experiment '${resource.name}' updated`,
      },
    );
  });

  router.delete('/v1/experiments/:idOrName', async (req, res) => {
    await authorizeExperiment(req, permissions.delete);
    await answerAuditedToolWrite(
      ctx,
      req,
      res,
      {
        eventId: 'experiment-delete',
        meta: { experiment: req.params.idOrName },
      },
      () =>
        ctx.tracking.updateExperiment(req.params.idOrName, {
          lifecycle: 'deleted',
        }),
      {
        view: e => ({ id: e.id }),
        message: resource => `Experiment '${resource.name}' deleted`,
      },
    );
  });
}
