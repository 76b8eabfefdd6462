import { NotFoundError } from '@backstage/errors';
import {
  llmOpsEndpointDeployPermission,
  llmOpsEndpointPromotePermission,
  llmOpsPermissionsByResource,
} from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess } from '../envelope';
import { auditedTransaction } from '../audit';
import { answerAuditedToolWrite } from './auditedToolWrite';
import { idempotentCreate, idempotentToolCreate } from './idempotentCreate';
import { assetView } from '../views';
import { writeAnswer } from '../writeAnswers';
import {
  assetAuthorizer,
  assetListFilter,
  authorizeAssetTarget,
  visibleAssets,
} from '../../permissions/assetAccess';
import type { PipelineRunAction } from '../../integrations/OrchestrationWriter';
import { IntegrationRegistry } from '../integrations';
import { EndpointStore, type Endpoint } from '../../database/EndpointStore';
import { PipelineStore, type Pipeline } from '../../database/PipelineStore';
import {
  PipelineRunStore,
  type PipelineRun,
} from '../../database/PipelineRunStore';
import { isoTime, isoTimeOrNull } from '../isoTime';

const endpointPermissions = llmOpsPermissionsByResource.endpoint;
const pipelinePermissions = llmOpsPermissionsByResource.pipeline;

/** An endpoint as the API shows it. */
export function endpointView(endpoint: Endpoint) {
  return {
    ...assetView(endpoint.asset),
    runtime: endpoint.runtime,
    modelFormat: endpoint.modelFormat,
    cluster: endpoint.cluster,
    namespace: endpoint.namespace,
    url: endpoint.url,
    desired: {
      traffic: endpoint.desired.traffic,
      minReplicas: endpoint.desired.minReplicas,
      maxReplicas: endpoint.desired.maxReplicas,
    },
    observed: {
      state: endpoint.observed.state,
      conditions: endpoint.observed.conditions.map(c => ({
        ...c,
        lastTransitionTime: isoTimeOrNull(c.lastTransitionTime),
      })),
      traffic: endpoint.observed.traffic,
      latestReadyRevision: endpoint.observed.latestReadyRevision,
      latestRolledOutRevision: endpoint.observed.latestRolledOutRevision,
      observedAt: isoTimeOrNull(endpoint.observed.observedAt),
    },
  };
}

/** A pipeline as the API shows it. */
export function pipelineView(pipeline: Pipeline) {
  return {
    ...assetView(pipeline.asset),
    runtime: pipeline.runtime,
    templateRef: pipeline.templateRef,
    cluster: pipeline.cluster,
    namespace: pipeline.namespace,
    parameters: pipeline.parameters,
  };
}

/** A pipeline run as the API shows it. */
export function pipelineRunView(run: PipelineRun) {
  return {
    id: run.id,
    pipelineId: run.pipelineId,
    pipelineName: run.pipelineName,
    name: run.name,
    parameters: run.parameters,
    phase: run.phase,
    progress: run.progress,
    nodes: run.nodes.map(n => ({
      ...n,
      startedAt: isoTimeOrNull(n.startedAt),
      finishedAt: isoTimeOrNull(n.finishedAt),
    })),
    startedAt: isoTimeOrNull(run.startedAt),
    finishedAt: isoTimeOrNull(run.finishedAt),
    createdAt: isoTime(run.createdAt),
    updatedAt: isoTime(run.updatedAt),
    cluster: run.cluster,
    namespace: run.namespace,
    source: {
      integration: run.source.integration,
      externalId: run.source.externalId,
      url: run.source.url,
    },
    // A built-in run is confirmed by the store itself every time it changes.
    syncedAt: isoTime(run.source.syncedAt ?? run.updatedAt),
  };
}

const deletedView = (endpoint: Endpoint) => ({ id: endpoint.asset.id });

const servedSummary = (endpoint: Endpoint) =>
  endpoint.desired.traffic
    .map(e => `${e.modelName} v${e.version} ${e.percent}%`)
    .join(', ');

/**
 * /v1/endpoints (serving: deploy, canary, promote, rollback), /v1/pipelines with their runs,
 * /v1/pipeline-runs and /v1/integrations. The integrations are the context's registry (a
 * registry of its own, listing only the built-in store, when the context has none).
 *
 * Endpoint writes and run submissions go through the context's serving and orchestration
 * writers: to the endpoint's or pipeline's cluster when its runtime has an integration
 * (kserve, argo), answered 202 with the outbox entry when that cluster is unavailable.
 */
export function bindEndpointAndPipelineEndpoints(
  router: ApiRouter,
  ctx: EndpointContext,
  integrations: IntegrationRegistry = (ctx as Partial<EndpointContext>)
    .integrationRegistry ?? new IntegrationRegistry(),
) {
  const endpoints = new EndpointStore(ctx.db, ctx.assets);
  const pipelines = new PipelineStore(ctx.db, ctx.assets);
  const runs = new PipelineRunStore(ctx.db);
  const authorizeEndpoint = assetAuthorizer(ctx, 'endpoint');
  const authorizePipeline = assetAuthorizer(ctx, 'pipeline');
  // A pipeline run's permissions are its pipeline's, checked on that pipeline.
  const authorizeRun = (
    req: Parameters<typeof authorizeAssetTarget>[1],
    permission: (typeof pipelinePermissions)['read' | 'update'],
  ) =>
    authorizeAssetTarget(
      ctx.access,
      req,
      permission,
      async () => ({
        kind: 'pipeline',
        id: (await runs.get(req.params.runId)).pipelineId,
      }),
      () => new NotFoundError(`No pipeline run with id '${req.params.runId}'`),
    );

  // --- endpoints ---------------------------------------------------------------------------

  router.get('/v1/endpoints', async (req, res) => {
    const assets = await visibleAssets(ctx, req, endpointPermissions.read);
    const page = await new EndpointStore(ctx.db, assets).list(req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(endpointView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('endpoint'),
      },
      `${page.items.length} endpoint(s)`,
    );
  });

  router.post('/v1/endpoints', async (req, res) => {
    // The cluster is called outside any transaction (ServingWriter.create): the idempotent
    // answer is recorded in the short transaction that makes the outcome final.
    const answer = await idempotentToolCreate(
      ctx,
      req,
      {
        permission: endpointPermissions.create,
        eventId: 'endpoint-create',
        meta: {
          name: req.body.name,
          runtime: req.body.runtime,
          modelVersionId: req.body.modelVersionId ?? null,
        },
      },
      async commit => {
        const result = await ctx.serving.create(req.body, (tx, written) =>
          commit(
            tx,
            writeAnswer(
              written,
              endpointView,
              201,
              `Endpoint '${written.resource.asset.name}' created`,
            ),
          ),
        );
        return { id: result.resource.asset.id };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/endpoints/:idOrName', async (req, res) => {
    await authorizeEndpoint(req, endpointPermissions.read);
    const endpoint = await endpoints.get(req.params.idOrName);
    sendSuccess(
      res,
      endpointView(endpoint),
      `Endpoint '${endpoint.asset.name}'`,
    );
  });

  router.patch('/v1/endpoints/:idOrName', async (req, res) => {
    await authorizeEndpoint(req, endpointPermissions.update);
    await answerAuditedToolWrite(
      ctx,
      req,
      res,
      {
        eventId: 'endpoint-update',
        meta: { endpoint: req.params.idOrName, fields: Object.keys(req.body) },
      },
      () => ctx.serving.update(req.params.idOrName, req.body),
      {
        idOf: resource => resource.asset.id,
        view: endpointView,
        message: resource => `Endpoint '${resource.asset.name}' updated`,
      },
    );
  });

  router.delete('/v1/endpoints/:idOrName', async (req, res) => {
    await authorizeEndpoint(req, endpointPermissions.delete);
    await answerAuditedToolWrite(
      ctx,
      req,
      res,
      { eventId: 'endpoint-delete', meta: { endpoint: req.params.idOrName } },
      () => ctx.serving.delete(req.params.idOrName),
      {
        idOf: resource => resource.asset.id,
        view: deletedView,
        message: resource => `Endpoint '${resource.asset.name}' deleted`,
      },
    );
  });

  router.post('/v1/endpoints/:idOrName/deploy', async (req, res) => {
    await authorizeEndpoint(req, llmOpsEndpointDeployPermission);
    const { modelVersionId, canaryPercent } = req.body;
    await answerAuditedToolWrite(
      ctx,
      req,
      res,
      {
        eventId: 'endpoint-deploy',
        meta: {
          endpoint: req.params.idOrName,
          modelVersionId,
          canaryPercent: canaryPercent ?? null,
        },
      },
      () =>
        ctx.serving.deploy(req.params.idOrName, {
          modelVersionId,
          canaryPercent,
        }),
      {
        idOf: resource => resource.asset.id,
        view: endpointView,
        message: resource =>
          `Endpoint '${resource.asset.name}' now serves ${servedSummary(
            resource,
          )}`,
      },
    );
  });

  // The two ends of a canary: promote makes it the whole traffic, rollback removes it.
  const canaryOutcomes = {
    promote: 'promoted',
    rollback: 'rolled back',
  } as const;
  for (const action of ['promote', 'rollback'] as const) {
    router.post(`/v1/endpoints/:idOrName/${action}`, async (req, res) => {
      await authorizeEndpoint(req, llmOpsEndpointPromotePermission);
      await answerAuditedToolWrite(
        ctx,
        req,
        res,
        {
          eventId: `endpoint-${action}`,
          meta: { endpoint: req.params.idOrName },
        },
        () => ctx.serving[action](req.params.idOrName),
        {
          idOf: resource => resource.asset.id,
          view: endpointView,
          message: resource =>
            `Canary of endpoint '${resource.asset.name}' ${canaryOutcomes[action]}`,
        },
      );
    });
  }

  // --- pipelines ---------------------------------------------------------------------------

  router.get('/v1/pipelines', async (req, res) => {
    const assets = await visibleAssets(ctx, req, pipelinePermissions.read);
    const page = await new PipelineStore(ctx.db, assets).list(req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(pipelineView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('pipeline'),
      },
      `${page.items.length} pipeline(s)`,
    );
  });

  router.post('/v1/pipelines', async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      {
        permission: pipelinePermissions.create,
        eventId: 'pipeline-create',
        meta: { name: req.body.name, runtime: req.body.runtime },
      },
      async tx => {
        const pipeline = await pipelines.create(req.body, tx);
        return {
          id: pipeline.asset.id,
          status: 201,
          body: {
            status: 'success',
            message: `Pipeline '${pipeline.asset.name}' created`,
            data: pipelineView(pipeline),
          },
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/pipelines/:idOrName', async (req, res) => {
    await authorizePipeline(req, pipelinePermissions.read);
    const pipeline = await pipelines.get(req.params.idOrName);
    sendSuccess(
      res,
      pipelineView(pipeline),
      `Pipeline '${pipeline.asset.name}'`,
    );
  });

  router.patch('/v1/pipelines/:idOrName', async (req, res) => {
    await authorizePipeline(req, pipelinePermissions.update);
    const view = pipelineView(
      await auditedTransaction(
        ctx,
        req,
        {
          eventId: 'pipeline-update',
          meta: {
            pipeline: req.params.idOrName,
            fields: Object.keys(req.body),
          },
        },
        tx => pipelines.update(req.params.idOrName, req.body, tx),
        pipeline => pipeline.asset.id,
      ),
    );
    sendSuccess(res, view, `Pipeline '${view.name}' updated`);
  });

  router.delete('/v1/pipelines/:idOrName', async (req, res) => {
    await authorizePipeline(req, pipelinePermissions.delete);
    const { asset } = await auditedTransaction(
      ctx,
      req,
      {
        eventId: 'pipeline-delete',
        meta: { pipeline: req.params.idOrName },
      },
      tx => pipelines.delete(req.params.idOrName, tx),
      deleted => deleted.asset.id,
    );
    sendSuccess(res, { id: asset.id }, `Pipeline '${asset.name}' deleted`);
  });

  // --- pipeline runs -----------------------------------------------------------------------

  router.get('/v1/pipelines/:idOrName/runs', async (req, res) => {
    await authorizePipeline(req, pipelinePermissions.read);
    const pipeline = await pipelines.get(req.params.idOrName);
    const page = await runs.list(pipeline, req.query);
    sendSuccess(
      res,
      {
        items: page.items.map(pipelineRunView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('pipeline-run'),
      },
      `${page.items.length} run(s) of pipeline '${pipeline.asset.name}'`,
    );
  });

  router.post('/v1/pipelines/:idOrName/runs', async (req, res) => {
    const answer = await idempotentCreate(
      ctx,
      req,
      {
        permission: pipelinePermissions.create,
        eventId: 'pipeline-run-submit',
        meta: {
          pipeline: req.params.idOrName,
          parameters: Object.keys(req.body.parameters ?? {}),
        },
      },
      async tx => {
        const pipeline = await pipelines.get(req.params.idOrName, tx);
        const result = await ctx.orchestration.submit(pipeline, req.body, tx);
        return {
          id: result.resource.id,
          ...writeAnswer(
            result,
            pipelineRunView,
            201,
            `Run '${result.resource.name}' of pipeline '${pipeline.asset.name}' submitted`,
          ),
        };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/pipeline-runs/:runId', async (req, res) => {
    await authorizeRun(req, pipelinePermissions.read);
    const run = await runs.get(req.params.runId);
    sendSuccess(res, pipelineRunView(run), `Pipeline run '${run.name}'`);
  });

  router.patch('/v1/pipeline-runs/:runId', async (req, res) => {
    await authorizeRun(req, pipelinePermissions.update);
    const view = pipelineRunView(
      await auditedTransaction(
        ctx,
        req,
        {
          eventId: 'pipeline-run-update',
          meta: {
            pipelineRun: req.params.runId,
            fields: Object.keys(req.body),
            phase: req.body.phase ?? null,
          },
        },
        tx => runs.update(req.params.runId, req.body, tx),
      ),
    );
    sendSuccess(res, view, `Pipeline run '${view.name}' is ${view.phase}`);
  });

  const actionVerbs: Record<PipelineRunAction, string> = {
    stop: 'stop',
    terminate: 'termination',
    retry: 'retry',
  };
  for (const action of ['stop', 'terminate', 'retry'] as const) {
    router.post(`/v1/pipeline-runs/:runId/${action}`, async (req, res) => {
      await authorizeRun(req, pipelinePermissions.update);
      await answerAuditedToolWrite(
        ctx,
        req,
        res,
        {
          eventId: `pipeline-run-${action}`,
          meta: { pipelineRun: req.params.runId },
        },
        () => ctx.orchestration.act(req.params.runId, action),
        {
          view: pipelineRunView,
          message: resource =>
            `The ${actionVerbs[action]} of pipeline run '${resource.name}' was requested`,
        },
      );
    });
  }

  router.post('/v1/pipeline-runs/:runId/links', async (req, res) => {
    await authorizeRun(req, pipelinePermissions.update);
    const body = req.body;
    const edges = await auditedTransaction(
      ctx,
      req,
      {
        eventId: 'pipeline-run-link',
        meta: {
          pipelineRun: req.params.runId,
          ran: body.ran ?? [],
          used: body.used ?? [],
          produced: body.produced ?? [],
        },
      },
      tx => runs.link(req.params.runId, body, tx),
      () => req.params.runId,
    );
    sendSuccess(
      res,
      { pipelineRunId: req.params.runId, edges },
      `${edges.length} lineage edge(s) leave the pipeline run`,
    );
  });

  // --- integrations ------------------------------------------------------------------------

  router.get('/v1/integrations', async (req, res) => {
    // Any llm-ops read permission will do, a conditional one too: the list says nothing
    // about individual assets.
    await assetListFilter(
      ctx.access,
      req,
      llmOpsPermissionsByResource.experiment.read,
    );
    const items = await integrations.list();
    sendSuccess(res, { items }, `${items.length} integration(s)`);
  });
}
