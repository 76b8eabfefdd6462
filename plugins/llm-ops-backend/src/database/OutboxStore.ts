import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import { parseJson, toMillis, toMillisOrNull } from './conversions';

export type OutboxState = 'pending' | 'done' | 'failed';

export type OutboxEntry = {
  id: number;
  integration: string;
  operation: string;
  resourceId: string;
  payload: Record<string, unknown>;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
};

const toEntry = (row: any): OutboxEntry => ({
  id: Number(row.id),
  integration: row.integration,
  operation: row.operation,
  resourceId: row.resource_id,
  payload: parseJson(row.payload, {}),
  state: row.state,
  attempts: Number(row.attempts),
  lastError: row.last_error ?? null,
  createdAt: toMillis(row.created_at),
  updatedAt: toMillis(row.updated_at),
  doneAt: toMillisOrNull(row.done_at),
});

/** The durable queue of writes for tools that were unavailable when the write was accepted. */
export class OutboxStore {
  constructor(private readonly db: Knex) {}

  /** Queues a write in the caller's transaction, together with its provisional effect. */
  async enqueue(
    tx: Knex,
    entry: {
      integration: string;
      operation: string;
      resourceId: string;
      payload: Record<string, unknown>;
    },
  ): Promise<number> {
    const now = Date.now();
    const [row] = await tx('outbox')
      .insert({
        integration: entry.integration,
        operation: entry.operation,
        resource_id: entry.resourceId,
        payload: JSON.stringify(entry.payload),
        state: 'pending',
        attempts: 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  }

  async get(id: number): Promise<OutboxEntry> {
    const row = await this.db('outbox').where({ id }).first();
    if (!row) throw new NotFoundError(`No outbox entry ${id}`);
    return toEntry(row);
  }

  /** The oldest pending entries of an integration, in the order they were accepted. */
  async pending(integration: string, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db('outbox')
      .where({ integration, state: 'pending' })
      .orderBy('id')
      .limit(limit);
    return rows.map(toEntry);
  }

  async hasPending(integration: string, tx: Knex = this.db): Promise<boolean> {
    return !!(await tx('outbox')
      .where({ integration, state: 'pending' })
      .first('id'));
  }

  async depth(integration: string): Promise<number> {
    const [{ n }] = await this.db('outbox')
      .where({ integration, state: 'pending' })
      .count({ n: '*' });
    return Number(n);
  }

  async markDone(tx: Knex, id: number): Promise<void> {
    const now = Date.now();
    await tx('outbox').where({ id }).update({
      state: 'done',
      updated_at: now,
      done_at: now,
      last_error: null,
    });
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.db('outbox')
      .where({ id })
      .update({ state: 'failed', updated_at: Date.now(), last_error: error })
      .increment('attempts', 1);
  }

  async recordAttempt(id: number, error: string): Promise<void> {
    await this.db('outbox')
      .where({ id })
      .update({ updated_at: Date.now(), last_error: error })
      .increment('attempts', 1);
  }
}
