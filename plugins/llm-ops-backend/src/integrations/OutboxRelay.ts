import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AssetStore } from '../database/AssetStore';
import type { RunStore } from '../database/RunStore';
import type { OutboxEntry, OutboxStore } from '../database/OutboxStore';
import { externalIdOf, upsertSourceRef } from '../database/sourceRefs';
import type { Integrations } from './Integrations';
import { isUnavailable } from './resilience';

const BATCH = 100;

type Tool = NonNullable<ReturnType<Integrations['tracking']>>;

/**
 * Replays queued writes to the tracking tool, strictly in the order they were accepted. A
 * transient failure stops the pass (the entry is retried first next time, so nothing overtakes
 * it); a permanent one (the tool refused the write) marks the entry failed with the tool's error
 * and the pass goes on. Replays are idempotent: a create first looks for what an interrupted
 * earlier attempt may have made (by source ref, by the llm-ops id stamped on the run, by the
 * experiment's unique name), and re-sent metric points and params are harmless to MLflow.
 */
export class OutboxRelay {
  constructor(
    private readonly db: Knex,
    private readonly assets: AssetStore,
    private readonly runs: RunStore,
    private readonly outbox: OutboxStore,
    private readonly integrations: Integrations,
    private readonly logger: LoggerService,
  ) {}

  /** One pass; returns how many entries were replayed. */
  async relay(): Promise<{ done: number; failed: number; blocked: boolean }> {
    const tool = this.integrations.tracking();
    if (!tool) return { done: 0, failed: 0, blocked: false };
    let done = 0;
    let failed = 0;
    let blocked = false;
    try {
      for (;;) {
        const entries = await this.outbox.pending(tool.connection.id, BATCH);
        if (entries.length === 0) break;
        for (const entry of entries) {
          try {
            await tool.connection.call(() => this.replay(tool, entry));
            await this.db.transaction(tx => this.outbox.markDone(tx, entry.id));
            done++;
          } catch (error) {
            const message = String((error as Error)?.message ?? error).slice(
              0,
              1000,
            );
            if (isUnavailable(error)) {
              await this.outbox.recordAttempt(entry.id, message);
              blocked = true;
              return { done, failed, blocked };
            }
            this.logger.warn(
              `llm-ops outbox entry ${entry.id} (${entry.operation}) refused by ${tool.connection.id}: ${message}`,
            );
            await this.outbox.markFailed(entry.id, message);
            failed++;
          }
        }
      }
      return { done, failed, blocked };
    } finally {
      tool.connection.tracker.setOutboxDepth(
        await this.outbox.depth(tool.connection.id),
      );
      if (done + failed > 0) {
        this.logger.info(
          `llm-ops outbox: replayed ${done}, failed ${failed} for ${tool.connection.id}`,
        );
      }
    }
  }

  private async replay(tool: Tool, entry: OutboxEntry): Promise<void> {
    const payload = entry.payload as any;
    switch (entry.operation) {
      case 'experiment.create':
        await this.ensureExperiment(tool, entry.resourceId);
        return;
      case 'experiment.update':
      case 'experiment.delete':
      case 'experiment.restore': {
        const externalId = await this.ensureExperiment(tool, entry.resourceId);
        const { name, description, tags } = payload.patch ?? {};
        if (
          name !== undefined ||
          description !== undefined ||
          tags !== undefined
        ) {
          await tool.adapter.updateExperiment(externalId, {
            name,
            description,
            tags,
          });
        }
        if (entry.operation === 'experiment.delete')
          await tool.adapter.deleteExperiment(externalId);
        if (entry.operation === 'experiment.restore')
          await tool.adapter.restoreExperiment(externalId);
        return;
      }
      case 'run.create':
        await this.ensureRun(tool, entry.resourceId);
        return;
      case 'run.update':
      case 'run.delete':
      case 'run.restore': {
        const externalId = await this.ensureRun(tool, entry.resourceId);
        const { name, status, endTime, tags } = payload.patch ?? {};
        if (
          name !== undefined ||
          status !== undefined ||
          endTime !== undefined ||
          tags !== undefined
        ) {
          await tool.adapter.updateRun(externalId, {
            name,
            status,
            endTime,
            tags,
          });
        }
        if (entry.operation === 'run.delete')
          await tool.adapter.deleteRun(externalId);
        if (entry.operation === 'run.restore')
          await tool.adapter.restoreRun(externalId);
        return;
      }
      case 'run.logBatch': {
        const externalId = await this.ensureRun(tool, entry.resourceId);
        await tool.adapter.logBatch(externalId, {
          metrics: payload.metrics ?? [],
          params: payload.params ?? {},
          tags: payload.tags ?? {},
        });
        return;
      }
      default:
        throw Object.assign(
          new Error(`Unknown outbox operation '${entry.operation}'`),
          { status: 400 },
        );
    }
  }

  /** The tool's id of an experiment, creating it there (once) if the tool does not know it. */
  private async ensureExperiment(
    tool: Tool,
    experimentId: string,
  ): Promise<string> {
    const integration = tool.connection.id;
    const known = await externalIdOf(
      this.db,
      integration,
      'experiment',
      experimentId,
    );
    if (known) return known;
    const experiment = await this.assets.get('experiment', experimentId);
    const existing = await tool.adapter.findExperimentByName(experiment.name);
    const ref = existing
      ? { externalId: existing.externalId, url: existing.url }
      : await tool.adapter.createExperiment({
          llmOpsId: experiment.id,
          name: experiment.name,
          description: experiment.description,
          tags: experiment.tags,
        });
    await upsertSourceRef(this.db, {
      integration,
      resourceType: 'experiment',
      externalId: ref.externalId,
      resourceId: experiment.id,
      url: ref.url,
    });
    return ref.externalId;
  }

  /** The tool's id of a run, creating it there (once) with its params if the tool does not know it. */
  private async ensureRun(tool: Tool, runId: string): Promise<string> {
    const integration = tool.connection.id;
    const known = await externalIdOf(this.db, integration, 'run', runId);
    if (known) return known;
    const run = await this.runs.get(runId);
    const experimentExternalId = await this.ensureExperiment(
      tool,
      run.experimentId,
    );
    // A create interrupted after the tool made the run (and before we recorded it) left the
    // run stamped with our id: adopt it instead of making a second one.
    const ref =
      (await tool.adapter.findRunByLlmOpsId(experimentExternalId, run.id)) ??
      (await tool.adapter.createRun({
        llmOpsId: run.id,
        experimentExternalId,
        name: run.name,
        startTime: run.startTime ?? undefined,
        tags: run.tags,
      }));
    if (Object.keys(run.params).length > 0) {
      await tool.adapter.logBatch(ref.externalId, { params: run.params });
    }
    if (run.status !== 'RUNNING') {
      await tool.adapter.updateRun(ref.externalId, {
        status: run.status,
        endTime: run.endTime,
      });
    }
    await upsertSourceRef(this.db, {
      integration,
      resourceType: 'run',
      externalId: ref.externalId,
      resourceId: run.id,
      url: ref.url,
    });
    return ref.externalId;
  }
}
