import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { ApiRouter } from '../types';
import type { EndpointContext } from '../context';
import { sendSuccess, sendSuccessWithRendered } from '../envelope';
import { auditedTransaction } from '../audit';
import { answerAuditedToolWrite } from './auditedToolWrite';
import { idempotentToolCreate } from './idempotentCreate';
import { writeAnswer } from '../writeAnswers';
import type { StoredRun } from '../../database/RunStore';
import { MetricHistory } from '../../database/MetricHistory';
import { isoTime, isoTimeOrNull } from '../isoTime';

const permissions = llmOpsPermissionsByResource.run;
const DEFAULT_HISTORY_PAGE = 1000;

const toMillis = (iso: unknown) =>
  iso === undefined || iso === null
    ? (iso as null | undefined)
    : new Date(iso as string).getTime();

export function runView(run: StoredRun) {
  return {
    id: run.id,
    experimentId: run.experimentId,
    name: run.name,
    status: run.status,
    startTime: isoTimeOrNull(run.startTime),
    endTime: isoTimeOrNull(run.endTime),
    params: run.params,
    tags: run.tags,
    metrics: run.metrics,
    datasetVersionIds: run.datasetVersionIds,
    lifecycle: run.lifecycle,
    createdAt: isoTime(run.createdAt),
    updatedAt: isoTime(run.updatedAt),
    source: {
      integration: run.source.integration,
      externalId: run.source.externalId,
      url: run.source.url,
    },
    syncedAt: isoTime(run.source.syncedAt ?? run.updatedAt),
  };
}

/** /v1/runs: create, read, search, update, soft-delete, log batches, metric history, inputs. */
export function bindRunEndpoints(router: ApiRouter, ctx: EndpointContext) {
  const runs = ctx.runs;
  const history = new MetricHistory(ctx.db);

  router.get('/v1/runs', async (req, res) => {
    await ctx.access.authorize(req, permissions.read);
    const experiment = await ctx.assets.get('experiment', req.query.experiment);
    const page = await runs.search({
      experimentIds: [experiment.id],
      maxResults: req.query.pageSize ?? 100,
      cursor: req.query.cursor,
    });
    sendSuccess(
      res,
      {
        items: page.items.map(runView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('run'),
      },
      `${page.items.length} run(s)`,
    );
  });

  router.post('/v1/runs/search', async (req, res) => {
    await ctx.access.authorize(req, permissions.read);
    const experimentIds = await ctx.assets.idsOf(
      'experiment',
      req.body.experimentIds,
    );
    const page = await runs.search({
      experimentIds,
      filter: req.body.filter,
      orderBy: req.body.orderBy,
      maxResults: req.body.pageSize ?? 100,
      cursor: req.body.cursor,
      includeDeleted: req.body.includeDeleted,
    });
    sendSuccess(
      res,
      {
        items: page.items.map(runView),
        nextCursor: page.nextCursor,
        freshness: await ctx.freshness.forResource('run'),
      },
      `${page.items.length} run(s)`,
    );
  });

  router.post('/v1/runs', async (req, res) => {
    const answer = await idempotentToolCreate(
      ctx,
      req,
      {
        permission: permissions.create,
        eventId: 'run-create',
        meta: { experiment: req.body.experimentId },
      },
      async commit => {
        const input = {
          ...req.body,
          startTime: toMillis(req.body.startTime) ?? undefined,
        };
        const result = await ctx.tracking.createRun(input, (tx, written) =>
          commit(
            tx,
            writeAnswer(
              written,
              runView,
              201,
              `Run '${written.resource.name}' created`,
            ),
          ),
        );
        return { id: result.resource.id };
      },
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/runs/:runId', async (req, res) => {
    await ctx.access.authorize(req, permissions.read);
    const run = await runs.get(req.params.runId);
    sendSuccess(res, runView(run), `Run '${run.name}'`);
  });

  router.patch('/v1/runs/:runId', async (req, res) => {
    await ctx.access.authorize(req, permissions.update);
    await answerAuditedToolWrite(
      ctx,
      req,
      res,
      {
        eventId: 'run-update',
        meta: { run: req.params.runId, fields: Object.keys(req.body) },
      },
      () =>
        ctx.tracking.updateRun(req.params.runId, {
          ...req.body,
          endTime: toMillis(req.body.endTime),
        }),
      {
        view: runView,
        message: resource => `Run '${resource.name}' updated`,
      },
    );
  });

  router.delete('/v1/runs/:runId', async (req, res) => {
    await ctx.access.authorize(req, permissions.delete);
    await answerAuditedToolWrite(
      ctx,
      req,
      res,
      { eventId: 'run-delete', meta: { run: req.params.runId } },
      () =>
        ctx.tracking.updateRun(req.params.runId, {
          lifecycle: 'deleted',
        }),
      {
        view: r => ({ id: r.id }),
        message: resource => `Run '${resource.name}' deleted`,
      },
    );
  });

  router.post('/v1/runs/:runId/batch', async (req, res) => {
    await ctx.access.authorize(req, permissions.update);
    const { metrics = [], params = {}, tags = {} } = req.body;
    const result = await ctx.tracking.logBatch(req.params.runId, {
      metrics,
      params,
      tags,
    });
    const answer = writeAnswer(
      result,
      () => ({
        runId: req.params.runId,
        metrics: metrics.length,
        params: Object.keys(params).length,
        tags: Object.keys(tags).length,
      }),
      200,
      `Logged ${metrics.length} metric point(s)`,
    );
    res.status(answer.status).json(answer.body as any);
  });

  router.get('/v1/outbox/:outboxId', async (req, res) => {
    await ctx.access.authorize(req, permissions.read);
    const entry = await ctx.outbox.get(req.params.outboxId);
    sendSuccess(
      res,
      {
        id: entry.id,
        integration: entry.integration,
        operation: entry.operation,
        resourceId: entry.resourceId,
        state: entry.state,
        attempts: entry.attempts,
        lastError: entry.lastError,
        createdAt: isoTime(entry.createdAt),
        doneAt: isoTimeOrNull(entry.doneAt),
      },
      `Outbox entry ${entry.id} is ${entry.state}`,
    );
  });

  router.get('/v1/runs/:runId/metrics/:key/history', async (req, res) => {
    await ctx.access.authorize(req, permissions.read);
    const { runId, key } = req.params;
    if (req.query.maxPoints !== undefined) {
      const series = await history.downsampledJson(
        runId,
        key,
        req.query.maxPoints,
      );
      sendSuccessWithRendered(
        res,
        { runId, key, nextCursor: null, downsampled: series.downsampled },
        { field: 'points', json: series.pointsJson },
        `${series.count} point(s) of '${key}'`,
      );
      return;
    }
    const page = await history.pageJson(
      runId,
      key,
      req.query.pageSize ?? DEFAULT_HISTORY_PAGE,
      req.query.cursor,
    );
    sendSuccessWithRendered(
      res,
      { runId, key, nextCursor: page.nextCursor, downsampled: false },
      { field: 'points', json: page.pointsJson },
      `${page.count} point(s) of '${key}'`,
    );
  });

  router.post('/v1/runs/:runId/inputs', async (req, res) => {
    await ctx.access.authorize(req, permissions.update);
    const run = await auditedTransaction(
      ctx,
      req,
      { eventId: 'run-inputs', meta: { run: req.params.runId } },
      async tx => {
        await runs.addInputs(req.params.runId, req.body.datasetVersionIds, tx);
        return runs.get(req.params.runId, tx);
      },
    );
    sendSuccess(res, runView(run), `Run '${run.name}' inputs recorded`);
  });
}
