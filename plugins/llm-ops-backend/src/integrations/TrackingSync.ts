import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { TrackedRun } from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  upsertTrackedExperiment,
  upsertTrackedRun,
} from '../database/syncUpserts';
import { resourceIdOf } from '../database/sourceRefs';
import type { Integrations } from './Integrations';
import { Refusals, withoutSql } from './refusals';

// Runs of this many experiments per search request.
const EXPERIMENT_CHUNK = 200;
// Tolerates clock skew between the tool and us, and writes landing during a pass.
const OVERLAP_MS = 60_000;
const DEFAULT_RUNNING_RUNS_WINDOW_MS = 7 * 24 * 3600_000;

type Tool = NonNullable<ReturnType<Integrations['tracking']>>;

/**
 * Keeps the store within seconds of the tracking tool without re-reading everything each cycle.
 *
 * Incremental pass: experiments changed since the watermark (the tool's last_update_time), and
 * runs that can have changed: started or ended since the watermark, or still RUNNING and started
 * within `runningRunsWindowMs` (a RUNNING run's metrics change without any time MLflow's run
 * search can filter on; older RUNNING runs are mostly left behind by jobs that died, and
 * re-reading thousands of them every few seconds would load the tool for nothing). A run
 * changed after it finished (a late tag), an older RUNNING run, or a run deleted in the tool is
 * picked up by the full
 * reconcile, which reads everything on a slower schedule and marks what the tool no longer has
 * as deleted. Resources with writes still queued in the outbox are left alone until the relay
 * has sent them, so a sync never undoes a local change that is on its way.
 *
 * A record the store refuses (a value its database cannot hold) is skipped, logged and reported
 * in the pass's `last_error`; the pass goes on, as it otherwise would stop at the same record
 * every cycle and never sync what comes after it. A store that is down still fails the pass.
 */
export class TrackingSync {
  private readonly runningRunsWindowMs: number;

  constructor(
    private readonly db: Knex,
    private readonly integrations: Integrations,
    private readonly logger: LoggerService,
    options: { runningRunsWindowMs?: number } = {},
  ) {
    this.runningRunsWindowMs =
      options.runningRunsWindowMs ?? DEFAULT_RUNNING_RUNS_WINDOW_MS;
  }

  async incremental(): Promise<void> {
    const tool = this.integrations.tracking();
    if (!tool) return;
    await this.pass(tool, 'incremental', async refusals => {
      const since = await this.watermark(tool.connection.id);
      const started = Date.now();
      let experiments = 0;
      let maxUpdated = since ?? 0;
      const pending = await this.pendingResourceIds(tool.connection.id);
      await this.eachPage(
        token =>
          tool.adapter.listExperiments({
            updatedSince: since === undefined ? undefined : since - OVERLAP_MS,
            includeDeleted: true,
            pageToken: token,
          }),
        async e => {
          maxUpdated = Math.max(maxUpdated, e.updatedAt);
          if (
            await this.isPending(
              pending,
              'experiment',
              e.externalId,
              e.tags,
              tool,
            )
          )
            return;
          const stored = await refusals.store('experiment', e.externalId, () =>
            upsertTrackedExperiment(this.db, tool.connection.id, e),
          );
          if (stored) experiments++;
        },
        tool,
      );
      const cutoff = (since ?? 0) - OVERLAP_MS;
      const filters =
        since === undefined
          ? [undefined]
          : [
              `attributes.start_time >= ${cutoff}`,
              `attributes.end_time >= ${cutoff}`,
              `attributes.status = 'RUNNING' and attributes.start_time >= ${
                started - this.runningRunsWindowMs
              }`,
            ];
      const runs = await this.syncRuns(tool, filters, pending, refusals);
      await this.setWatermark(
        tool.connection.id,
        Math.max(maxUpdated, since ?? 0),
      );
      this.logger.debug(
        `llm-ops sync ${
          tool.connection.id
        }: ${experiments} experiment(s), ${runs} run(s) in ${
          Date.now() - started
        } ms`,
      );
    });
  }

  /** Everything the tool has, and what it no longer has marked deleted here. */
  async fullReconcile(): Promise<void> {
    const tool = this.integrations.tracking();
    if (!tool) return;
    await this.pass(tool, 'full', async refusals => {
      const integration = tool.connection.id;
      const pending = await this.pendingResourceIds(integration);
      const seenExperiments = new Set<string>();
      await this.eachPage(
        token =>
          tool.adapter.listExperiments({
            includeDeleted: true,
            pageToken: token,
          }),
        async e => {
          seenExperiments.add(e.externalId);
          if (
            await this.isPending(
              pending,
              'experiment',
              e.externalId,
              e.tags,
              tool,
            )
          )
            return;
          await refusals.store('experiment', e.externalId, () =>
            upsertTrackedExperiment(this.db, integration, e),
          );
        },
        tool,
      );
      const seenRuns = new Set<string>();
      // A refused run counts as seen: the tool still has it, so it is not marked deleted here.
      await this.syncRuns(tool, [undefined], pending, refusals, r =>
        seenRuns.add(r.externalId),
      );
      const gone = async (
        resourceType: string,
        seen: Set<string>,
        table: string,
      ) => {
        const refs = await this.db('source_refs')
          .where({ integration, resource_type: resourceType })
          .select('external_id', 'resource_id');
        const missing: string[] = refs
          .filter(r => !seen.has(r.external_id))
          .map(r => r.resource_id);
        const deletedAt = Date.now();
        const chunks: string[][] = [];
        for (let i = 0; i < missing.length; i += 500)
          chunks.push(missing.slice(i, i + 500));
        for (const chunk of chunks) {
          await this.db(table)
            .whereIn('id', chunk)
            .update({ lifecycle: 'deleted', deleted_at: deletedAt });
        }
        return missing.length;
      };
      const deletedExperiments = await gone(
        'experiment',
        seenExperiments,
        'assets',
      );
      const deletedRuns = await gone('run', seenRuns, 'runs');
      if (deletedExperiments + deletedRuns > 0) {
        this.logger.info(
          `llm-ops full sync ${integration}: ${deletedExperiments} experiment(s) and ${deletedRuns} run(s) gone from the tool`,
        );
      }
    });
  }

  private async syncRuns(
    tool: Tool,
    filters: Array<string | undefined>,
    pending: Set<string>,
    refusals: Refusals,
    seen?: (r: TrackedRun) => void,
  ) {
    const integration = tool.connection.id;
    const experiments = await this.db('source_refs')
      .where({ integration, resource_type: 'experiment' })
      .select('external_id', 'resource_id');
    const byExternal = new Map(
      experiments.map(e => [e.external_id, e.resource_id]),
    );
    let count = 0;
    const onRun = async (r: TrackedRun) => {
      seen?.(r);
      if (await this.isPending(pending, 'run', r.externalId, r.tags, tool))
        return;
      const experimentId = byExternal.get(r.experimentExternalId);
      if (!experimentId) return;
      const stored = await refusals.store('run', r.externalId, () =>
        upsertTrackedRun(this.db, integration, experimentId, r),
      );
      if (stored) count++;
    };
    const chunks: string[][] = [];
    for (let i = 0; i < experiments.length; i += EXPERIMENT_CHUNK) {
      chunks.push(
        experiments.slice(i, i + EXPERIMENT_CHUNK).map(e => e.external_id),
      );
    }
    for (const ids of chunks) {
      for (const filter of filters) {
        await this.eachPage(
          token =>
            tool.adapter.listRuns({
              experimentExternalIds: ids,
              filter,
              includeDeleted: true,
              pageToken: token,
            }),
          onRun,
          tool,
        );
      }
    }
    return count;
  }

  private async eachPage<T>(
    fetchPage: (
      token?: string,
    ) => Promise<{ items: T[]; nextPageToken?: string }>,
    each: (item: T) => Promise<void>,
    tool: Tool,
  ) {
    let token: string | undefined;
    do {
      const current = token;
      const page = await tool.connection.call(() => fetchPage(current));
      for (const item of page.items) await each(item);
      token = page.nextPageToken;
    } while (token);
  }

  private async pass(
    tool: Tool,
    task: string,
    fn: (refusals: Refusals) => Promise<void>,
  ) {
    const integration = tool.connection.id;
    const now = Date.now();
    try {
      const refusals = new Refusals(
        this.db,
        this.logger,
        `${task} sync of ${integration}`,
      );
      await fn(refusals);
      const refused = refusals.summary();
      if (refused) {
        this.logger.warn(`llm-ops ${task} sync of ${integration}: ${refused}`);
      }
      await this.db('sync_state')
        .insert({
          integration,
          task,
          last_success_at: Date.now(),
          last_attempt_at: now,
          last_error: refused?.slice(0, 1000) ?? null,
        })
        .onConflict(['integration', 'task'])
        .merge(['last_success_at', 'last_attempt_at', 'last_error']);
    } catch (error) {
      const message = withoutSql(error).slice(0, 1000);
      await this.db('sync_state')
        .insert({
          integration,
          task,
          last_attempt_at: now,
          last_error: message,
        })
        .onConflict(['integration', 'task'])
        .merge(['last_attempt_at', 'last_error']);
      this.logger.warn(
        `llm-ops ${task} sync of ${integration} failed: ${message}`,
      );
    }
  }

  private async watermark(integration: string): Promise<number | undefined> {
    const row = await this.db('sync_state')
      .where({ integration, task: 'watermark' })
      .first('watermark');
    return row?.watermark === null || row?.watermark === undefined
      ? undefined
      : Number(row.watermark);
  }

  private async setWatermark(integration: string, value: number) {
    await this.db('sync_state')
      .insert({ integration, task: 'watermark', watermark: value })
      .onConflict(['integration', 'task'])
      .merge(['watermark']);
  }

  /** Whether the tool's resource has local writes still queued for it. */
  private async isPending(
    pending: Set<string>,
    resourceType: string,
    externalId: string,
    tags: Record<string, string>,
    tool: Tool,
  ): Promise<boolean> {
    if (pending.size === 0) return false;
    if (tags['llm-ops.id'] && pending.has(tags['llm-ops.id'])) return true;
    const id = await resourceIdOf(
      this.db,
      tool.connection.id,
      resourceType,
      externalId,
    );
    return !!id && pending.has(id);
  }

  private async pendingResourceIds(integration: string): Promise<Set<string>> {
    const rows = await this.db('outbox')
      .where({ integration, state: 'pending' })
      .distinct('resource_id');
    return new Set(rows.map(r => r.resource_id));
  }
}
