import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';

// How many refused records a pass names in the log one by one; the rest are only counted.
const LOGGED_REFUSALS = 10;

/** A record the store refused inside a transaction, judged by Refusals.storeNoted once it ends. */
export type NotedRefusal = { externalId: string; error: unknown };

/**
 * The records of one sync pass that the store refused (a value its database cannot hold: a name
 * longer than its column, a NaN on SQLite). Each is skipped and logged, and the pass goes on: one
 * bad record must not keep everything after it out of the store on every pass. The summary goes
 * into the pass's `last_error`. Telling a refused record from a store that is
 * down takes one more query: when the database does not answer that either, the error is the
 * store's and fails the pass, so the watermark does not move past what was never written.
 */
export class Refusals {
  private count = 0;
  private first: string | undefined;

  constructor(
    private readonly db: Knex,
    private readonly logger: LoggerService,
    private readonly label: string,
  ) {}

  /** Whether the record was stored; false when the store refused it. */
  async store(
    resourceType: string,
    externalId: string,
    write: () => Promise<unknown>,
  ): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      await this.db.raw('select 1').catch(() => {
        throw error;
      });
      const reason = `${resourceType} ${externalId}: ${withoutSql(error)}`;
      this.count++;
      this.first ??= reason;
      if (this.count <= LOGGED_REFUSALS) {
        this.logger.warn(`llm-ops ${this.label} skipped ${reason}`);
      }
      return false;
    }
  }

  /**
   * Judges refusals noted inside a transaction (a version written in a savepoint of its model's or
   * dataset's transaction), once that transaction has ended: telling a refusal from a store that is
   * down asks the database, which SQLite (one connection) can only answer then.
   */
  async storeNoted(
    resourceType: string,
    noted: ReadonlyArray<NotedRefusal>,
  ): Promise<void> {
    for (const { externalId, error } of noted) {
      await this.store(resourceType, externalId, () => Promise.reject(error));
    }
  }

  summary(): string | undefined {
    if (this.count === 0) return undefined;
    return `${this.count} record(s) could not be stored and were skipped; the first: ${this.first}`;
  }
}

/**
 * The database's own message without the statement knex puts in front of it (`<sql> - <message>`),
 * whose inlined values are the tool's tags and params and have no place in a log.
 */
export function withoutSql(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  const statement = /^\s*(insert|update|delete|select|with)\s[\s\S]* - /i.exec(
    message,
  );
  return statement ? message.slice(statement[0].length) : message;
}
