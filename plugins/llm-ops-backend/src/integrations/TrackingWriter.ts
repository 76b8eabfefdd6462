import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  AssetInput,
  AssetPatch,
  AssetStore,
  Asset,
} from '../database/AssetStore';
import type {
  RunStore,
  StoredRun,
  RunCreateInput,
  RunPatch,
  MetricPointInput,
} from '../database/RunStore';
import type { OutboxStore } from '../database/OutboxStore';
import { externalIdOf, upsertSourceRef } from '../database/sourceRefs';
import type { Integrations } from './Integrations';
import { isUnavailable } from './resilience';

/** Thrown to roll back a dry run of a write (validation without committing). */
class RollbackProbe extends Error {}

/** The tool operation a lifecycle change stands for. */
function lifecycleOperation(
  kind: 'experiment' | 'run',
  lifecycle: 'active' | 'deleted' | undefined,
): string {
  if (lifecycle === 'deleted') return `${kind}.delete`;
  if (lifecycle === 'active') return `${kind}.restore`;
  return `${kind}.update`;
}

/** The outcome of a write: the resource as stored, and the outbox entry when it was queued. */
export type WriteResult<T> = {
  resource: T;
  queued?: { outboxId: number; integration: string };
};

export type LogBatchInput = {
  metrics?: MetricPointInput[];
  params?: Record<string, string>;
  tags?: Record<string, string>;
};

/** A tool's deliberate 4xx becomes the matching API error; the message is the tool's, trimmed. */
export function toApiError(error: unknown): Error {
  const status = Number((error as { status?: unknown })?.status);
  const message = String((error as Error)?.message ?? error).slice(0, 500);
  if (status === 409) return new ConflictError(message);
  if (status === 404) return new NotFoundError(message);
  if (status >= 400 && status < 500) return new InputError(message);
  return error as Error;
}

/**
 * Writes to experiments and runs. With a tracking tool active, a write goes to the tool first
 * and then to the store, with the tool's id recorded as the source. When the tool is unavailable,
 * or earlier writes for it are still queued (order matters: a batch must not overtake the
 * creation of its run), the provisional change and an outbox entry are committed together and
 * the relay replays the entry later. Without a tool, the store is the system of record.
 */
export class TrackingWriter {
  constructor(
    private readonly db: Knex,
    private readonly assets: AssetStore,
    private readonly runs: RunStore,
    private readonly outbox: OutboxStore,
    private readonly integrations: Integrations,
  ) {}

  async createExperiment(
    input: AssetInput,
    commit: (tx: Knex, result: WriteResult<Asset>) => Promise<void>,
  ) {
    const id = randomUUID();
    return this.write<Asset>({
      resourceId: id,
      operation: 'experiment.create',
      payload: {
        name: input.name,
        description: input.description ?? null,
        tags: input.tags ?? {},
      },
      precheck: async () => {
        const taken = await this.assets
          .get('experiment', input.name)
          .catch(() => undefined);
        if (taken)
          throw new ConflictError(
            `A experiment named '${input.name}' already exists (it may be deleted; restore it instead)`,
          );
      },
      callTool: async (tool, integration) => {
        const ref = await tool.adapter.createExperiment({
          llmOpsId: id,
          name: input.name,
          description: input.description,
          tags: input.tags,
        });
        return async (tx: Knex) =>
          upsertSourceRef(tx, {
            integration,
            resourceType: 'experiment',
            externalId: ref.externalId,
            resourceId: id,
            url: ref.url,
          });
      },
      apply: tx => this.assets.create('experiment', { ...input, id }, tx),
      commit,
    });
  }

  async updateExperiment(idOrName: string, patch: AssetPatch) {
    const current = await this.assets.get('experiment', idOrName);
    const operation = lifecycleOperation('experiment', patch.lifecycle);
    return this.write<Asset>({
      resourceId: current.id,
      operation,
      payload: { patch },
      needs: [{ type: 'experiment', id: current.id }],
      callTool: async (tool, _integration, externalIds) => {
        const externalId = externalIds.experiment!;
        const { name, description, tags } = patch;
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
        if (operation === 'experiment.delete')
          await tool.adapter.deleteExperiment(externalId);
        if (operation === 'experiment.restore')
          await tool.adapter.restoreExperiment(externalId);
        return async () => {};
      },
      apply: tx => this.assets.update('experiment', current.id, patch, tx),
    });
  }

  async createRun(
    input: RunCreateInput,
    commit: (tx: Knex, result: WriteResult<StoredRun>) => Promise<void>,
  ) {
    const experiment = await this.runs.activeExperiment(input.experimentId);
    const id = randomUUID();
    return this.write<StoredRun>({
      resourceId: id,
      operation: 'run.create',
      payload: {
        experimentId: experiment.id,
        name: input.name,
        startTime: input.startTime,
        status: input.status,
        params: input.params ?? {},
        tags: input.tags ?? {},
      },
      needs: [{ type: 'experiment', id: experiment.id }],
      callTool: async (tool, integration, externalIds) => {
        const ref = await tool.adapter.createRun({
          llmOpsId: id,
          experimentExternalId: externalIds.experiment!,
          name: input.name,
          startTime: input.startTime,
          tags: input.tags,
        });
        if (input.params && Object.keys(input.params).length > 0) {
          await tool.adapter.logBatch(ref.externalId, { params: input.params });
        }
        if (input.status && input.status !== 'RUNNING') {
          await tool.adapter.updateRun(ref.externalId, {
            status: input.status,
          });
        }
        return async (tx: Knex) =>
          upsertSourceRef(tx, {
            integration,
            resourceType: 'run',
            externalId: ref.externalId,
            resourceId: id,
            url: ref.url,
          });
      },
      apply: tx => this.runs.create({ ...input, id }, tx),
      commit,
    });
  }

  async updateRun(runId: string, patch: RunPatch) {
    await this.runs.get(runId);
    const operation = lifecycleOperation('run', patch.lifecycle);
    return this.write<StoredRun>({
      resourceId: runId,
      operation,
      payload: { patch },
      needs: [{ type: 'run', id: runId }],
      callTool: async (tool, _integration, externalIds) => {
        const externalId = externalIds.run!;
        const { name, status, endTime, tags } = patch;
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
        if (operation === 'run.delete')
          await tool.adapter.deleteRun(externalId);
        if (operation === 'run.restore')
          await tool.adapter.restoreRun(externalId);
        return async () => {};
      },
      apply: tx => this.runs.update(runId, patch, tx),
    });
  }

  async logBatch(runId: string, batch: LogBatchInput) {
    // Validate against the store first (params are immutable): a batch the store would refuse
    // must not reach the tool either.
    await this.db
      .transaction(async tx => {
        await this.runs.logBatch(runId, batch, tx);
        throw new RollbackProbe();
      })
      .catch(error => {
        if (!(error instanceof RollbackProbe)) throw error;
      });
    const now = Date.now();
    const stamped = {
      ...batch,
      metrics: (batch.metrics ?? []).map(p => ({
        ...p,
        step: p.step ?? 0,
        timestamp: p.timestamp ?? now,
      })),
    };
    return this.write<{ id: string }>({
      resourceId: runId,
      operation: 'run.logBatch',
      payload: stamped,
      needs: [{ type: 'run', id: runId }],
      callTool: async (tool, _integration, externalIds) => {
        await tool.adapter.logBatch(
          externalIds.run!,
          stamped as Required<typeof stamped>,
        );
        return async () => {};
      },
      apply: async tx => {
        await this.runs.logBatch(runId, stamped, tx);
        return { id: runId };
      },
    });
  }

  private async write<T>(w: {
    resourceId: string;
    operation: string;
    payload: Record<string, unknown>;
    /** Resources the tool must already know; their external ids are handed to callTool. */
    needs?: Array<{ type: 'experiment' | 'run'; id: string }>;
    precheck?: () => Promise<void>;
    callTool: (
      tool: NonNullable<ReturnType<Integrations['tracking']>>,
      integration: string,
      externalIds: Partial<Record<'experiment' | 'run', string>>,
    ) => Promise<(tx: Knex) => Promise<void>>;
    apply: (tx: Knex) => Promise<T>;
    commit?: (tx: Knex, result: WriteResult<T>) => Promise<void>;
  }): Promise<WriteResult<T>> {
    await w.precheck?.();
    const tool = this.integrations.tracking();
    const finish = (record?: (tx: Knex) => Promise<void>, queue?: boolean) =>
      this.db.transaction(async tx => {
        // The source first, so that the resource read back by apply shows where it lives.
        await record?.(tx);
        const resource = await w.apply(tx);
        let result: WriteResult<T> = { resource };
        if (queue) {
          const outboxId = await this.outbox.enqueue(tx, {
            integration: tool!.connection.id,
            operation: w.operation,
            resourceId: w.resourceId,
            payload: w.payload,
          });
          result = {
            resource,
            queued: { outboxId, integration: tool!.connection.id },
          };
        }
        await w.commit?.(tx, result);
        return result;
      });

    if (!tool) return finish();
    const integration = tool.connection.id;
    const externalIds: Partial<Record<'experiment' | 'run', string>> = {};
    for (const need of w.needs ?? []) {
      externalIds[need.type] = await externalIdOf(
        this.db,
        integration,
        need.type,
        need.id,
      );
    }
    const unresolved = (w.needs ?? []).some(n => !externalIds[n.type]);
    if (unresolved || (await this.outbox.hasPending(integration))) {
      const result = await finish(undefined, true);
      this.integrations
        .connection(integration)
        ?.tracker.setOutboxDepth(await this.outbox.depth(integration));
      return result;
    }
    let record: (tx: Knex) => Promise<void>;
    try {
      record = await tool.connection.call(() =>
        w.callTool(tool, integration, externalIds),
      );
    } catch (error) {
      if (!isUnavailable(error)) throw toApiError(error);
      const result = await finish(undefined, true);
      tool.connection.tracker.setOutboxDepth(
        await this.outbox.depth(integration),
      );
      return result;
    }
    return finish(record);
  }
}
