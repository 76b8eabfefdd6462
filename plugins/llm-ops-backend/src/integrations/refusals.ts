import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';

// How many refused records a pass names in the log one by one; the rest are only counted.
const LOGGED_REFUSALS = 10;

/** Writes one part of a record in a savepoint; undefined when the store refused it. */
export type PartWriter = <T>(
  partId: string,
  write: (savepoint: Knex.Transaction) => Promise<T>,
) => Promise<T | undefined>;

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
   * A record and its parts (a model and its versions, a dataset and its versions) in one
   * transaction, each part in a savepoint of its own through `part`: a statement PostgreSQL
   * refuses aborts the whole transaction, the record, every other part and the commit with it,
   * unless it is rolled back to a savepoint (which also undoes that part's earlier writes). A
   * refused part is skipped (`part` answers undefined) and the rest goes on. Refused parts are
   * judged once the transaction has ended, as store judges a record: telling a refusal from a
   * store that is down asks the database, which SQLite (one connection) can only answer then.
   * When the record itself is refused, its parts went with it and are not judged again.
   */
  async storeWithParts(
    resourceType: string,
    externalId: string,
    partType: string,
    write: (tx: Knex.Transaction, part: PartWriter) => Promise<void>,
  ): Promise<{ stored: boolean; refusedParts: number }> {
    const refused: Array<{ partId: string; error: unknown }> = [];
    const stored = await this.store(resourceType, externalId, () =>
      this.db.transaction(tx =>
        write(tx, (partId, partWrite) =>
          tx.transaction(partWrite).catch(error => {
            refused.push({ partId, error });
            return undefined;
          }),
        ),
      ),
    );
    if (!stored) return { stored, refusedParts: 0 };
    for (const { partId, error } of refused) {
      await this.store(partType, partId, () => Promise.reject(error));
    }
    return { stored, refusedParts: refused.length };
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
