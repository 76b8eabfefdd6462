import type { AnyRequest } from './types';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ConflictError } from '@backstage/errors';
import { isUniqueViolation } from '../database/constraintErrors';

export type StoredAnswer = { status: number; body: unknown };

// A claimed key whose request has not answered yet.
const IN_PROGRESS = 0;

const hashOf = (req: AnyRequest) =>
  createHash('sha256')
    .update(
      `${req.method} ${req.baseUrl}${req.path}\n${JSON.stringify(
        req.body ?? null,
      )}`,
    )
    .digest('hex');

/**
 * An Idempotency-Key for one create. `begin` claims the key before anything happens, so that a
 * concurrent duplicate is refused (409, retry later) instead of acting twice, and a retry after
 * the first answer gets that answer back. The answer is recorded in the same transaction as the
 * create's writes; if the create fails the claim is released, so the client may retry.
 */
export class IdempotencyClaim {
  private constructor(
    private readonly db: Knex,
    private readonly principal: string,
    private readonly key: string | undefined,
    readonly replay: StoredAnswer | undefined,
  ) {}

  static async begin(
    db: Knex,
    req: AnyRequest,
    principal: string,
    key: string | undefined,
  ): Promise<IdempotencyClaim> {
    if (!key) return new IdempotencyClaim(db, principal, undefined, undefined);
    const requestHash = hashOf(req);
    const read = async () => {
      const row = await db('idempotency_keys')
        .where({ principal, key })
        .first();
      if (!row) return undefined;
      if (row.request_hash !== requestHash) {
        throw new ConflictError(
          `Idempotency-Key '${key}' was already used for a different request`,
        );
      }
      if (Number(row.status_code) === IN_PROGRESS) {
        throw new ConflictError(
          `A request with Idempotency-Key '${key}' is still in progress; retry later`,
        );
      }
      return {
        status: Number(row.status_code),
        body: JSON.parse(row.response),
      } as StoredAnswer;
    };
    const earlier = await read();
    if (earlier) return new IdempotencyClaim(db, principal, key, earlier);
    try {
      await db('idempotency_keys').insert({
        principal,
        key,
        request_hash: requestHash,
        status_code: IN_PROGRESS,
        response: '',
        created_at: Date.now(),
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Lost the race to claim: answer as the winner did, or say it is in progress.
      const winner = await read();
      if (winner) return new IdempotencyClaim(db, principal, key, winner);
      throw error;
    }
    return new IdempotencyClaim(db, principal, key, undefined);
  }

  /** Records the answer; call inside the transaction that makes the create's writes. */
  async record(tx: Knex, answer: StoredAnswer): Promise<void> {
    if (!this.key) return;
    await tx('idempotency_keys')
      .where({ principal: this.principal, key: this.key })
      .update({
        status_code: answer.status,
        response: JSON.stringify(answer.body),
      });
  }

  /** Releases the claim after a failed create, so a retry can run. */
  async release(): Promise<void> {
    if (!this.key) return;
    await this.db('idempotency_keys')
      .where({
        principal: this.principal,
        key: this.key,
        status_code: IN_PROGRESS,
      })
      .delete();
  }
}

/**
 * Makes a create safe to retry: the mutation's writes and the recorded answer commit together;
 * a retry gets the first answer; a concurrent duplicate is refused; reusing a key for a
 * different request is a 409.
 */
export async function withIdempotency(
  db: Knex,
  req: AnyRequest,
  principal: string,
  key: string | undefined,
  mutation: (tx: Knex.Transaction) => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  const claim = await IdempotencyClaim.begin(db, req, principal, key);
  if (claim.replay) return claim.replay;
  try {
    return await db.transaction(async tx => {
      const answer = await mutation(tx);
      await claim.record(tx, answer);
      return answer;
    });
  } catch (error) {
    await claim.release();
    throw error;
  }
}

/**
 * withIdempotency for a create whose writer runs its own short transactions (the tool is called
 * outside any transaction): `create` hands its answer to `commit` inside the transaction that
 * makes the outcome final, where it is recorded with the writes. A retry gets the first answer;
 * a failed create releases the claim.
 */
export async function withIdempotentCommit(
  db: Knex,
  req: AnyRequest,
  principal: string,
  key: string | undefined,
  create: (
    commit: (tx: Knex, answer: StoredAnswer) => Promise<void>,
  ) => Promise<unknown>,
): Promise<StoredAnswer> {
  const claim = await IdempotencyClaim.begin(db, req, principal, key);
  if (claim.replay) return claim.replay;
  let answer: StoredAnswer | undefined;
  try {
    await create(async (tx, committed) => {
      answer = committed;
      await claim.record(tx, committed);
    });
  } catch (error) {
    await claim.release();
    throw error;
  }
  if (!answer) throw new Error('The create ended without committing an answer');
  return answer;
}
