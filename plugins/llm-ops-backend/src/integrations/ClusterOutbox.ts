import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { LlmOpsAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import type { OutboxEntry, OutboxStore } from '../database/OutboxStore';
import type { ClusterTool } from './Integrations';
import { isUnavailable } from './resilience';
import { toApiError } from './TrackingWriter';

const BATCH = 100;

/** The outcome of a write sent to a cluster: the tool's answer, or the outbox entry it waits in. */
export type Sent<R> =
  | { outcome: R; queued?: undefined }
  | { outcome?: undefined; queued: { outboxId: number; integration: string } };

/** Pending entries of one integration, counted in the caller's transaction (SQLite has one connection). */
export async function outboxDepth(tx: Knex, integration: string) {
  const [{ n }] = await tx('outbox')
    .where({ integration, state: 'pending' })
    .count({ n: '*' });
  return Number(n);
}

/**
 * Sends one write to a cluster integration inside the caller's transaction, tool first: while
 * earlier writes for the integration still wait in the outbox (order matters: a canary must
 * not overtake the deploy it splits traffic with), or when the tool is unavailable, the write is
 * queued in the same transaction instead. A deliberate 4xx of the tool becomes the matching API
 * error, and the caller's transaction (and so every store change) rolls back.
 */
export async function sendToCluster<R>(
  tool: ClusterTool<LlmOpsAdapter>,
  outbox: OutboxStore,
  tx: Knex,
  entry: {
    operation: string;
    resourceId: string;
    payload: Record<string, unknown>;
  },
  call: () => Promise<R>,
  options: { forceQueue?: boolean } = {},
): Promise<Sent<R>> {
  const integration = tool.connection.id;
  const queue = async (): Promise<Sent<R>> => {
    const outboxId = await outbox.enqueue(tx, { integration, ...entry });
    tool.connection.tracker.setOutboxDepth(await outboxDepth(tx, integration));
    return { queued: { outboxId, integration } };
  };
  if (options.forceQueue || (await outbox.hasPending(integration, tx))) {
    return queue();
  }
  try {
    return { outcome: await tool.connection.call(call) };
  } catch (error) {
    if (!isUnavailable(error)) throw toApiError(error);
    return queue();
  }
}

/**
 * Replays the queued writes of one cluster integration (a `kserve:<cluster>` or `argo:<cluster>`
 * adapter), strictly in the order they were accepted: one ordered queue per integration, so one
 * unreachable cluster holds back nothing of another. As in the tracking relay, a transient
 * failure stops the pass (the entry is retried first next time) and a permanent one marks the
 * entry failed with the tool's error and the pass goes on. `replay` calls the tool and answers
 * what to record; that is committed together with the entry being marked done.
 */
export class ClusterOutboxRelay {
  constructor(
    private readonly db: Knex,
    private readonly outbox: OutboxStore,
    private readonly tool: ClusterTool<LlmOpsAdapter>,
    private readonly replay: (
      entry: OutboxEntry,
    ) => Promise<(tx: Knex) => Promise<void>>,
    private readonly logger: LoggerService,
  ) {}

  get integration(): string {
    return this.tool.connection.id;
  }

  async relay(): Promise<{ done: number; failed: number; blocked: boolean }> {
    const { connection } = this.tool;
    let done = 0;
    let failed = 0;
    try {
      for (;;) {
        const entries = await this.outbox.pending(connection.id, BATCH);
        if (entries.length === 0) break;
        for (const entry of entries) {
          try {
            const record = await connection.call(() => this.replay(entry));
            await this.db.transaction(async tx => {
              await record(tx);
              await this.outbox.markDone(tx, entry.id);
            });
            done++;
          } catch (error) {
            const message = String((error as Error)?.message ?? error).slice(
              0,
              1000,
            );
            if (isUnavailable(error)) {
              await this.outbox.recordAttempt(entry.id, message);
              return { done, failed, blocked: true };
            }
            this.logger.warn(
              `llm-ops outbox entry ${entry.id} (${entry.operation}) refused by ${connection.id}: ${message}`,
            );
            await this.outbox.markFailed(entry.id, message);
            failed++;
          }
        }
      }
      return { done, failed, blocked: false };
    } finally {
      connection.tracker.setOutboxDepth(await this.outbox.depth(connection.id));
      if (done + failed > 0) {
        this.logger.info(
          `llm-ops outbox: replayed ${done}, failed ${failed} for ${connection.id}`,
        );
      }
    }
  }
}
