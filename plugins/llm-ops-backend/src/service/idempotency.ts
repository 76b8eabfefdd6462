import { createHash } from 'node:crypto';
import type { Request as ExpressRequest } from 'express';

// Typed routers narrow params, query and body; these helpers accept any of them.
type Request = ExpressRequest<any, any, any, any, any>;
import type { Knex } from 'knex';
import { ConflictError } from '@backstage/errors';
import { isUniqueViolation } from '../database/constraintErrors';

export type StoredAnswer = { status: number; body: unknown };

const hashOf = (req: Request) =>
  createHash('sha256')
    .update(
      `${req.method} ${req.baseUrl}${req.path}\n${JSON.stringify(
        req.body ?? null,
      )}`,
    )
    .digest('hex');

/**
 * Makes a create safe to retry. Without a key the mutation just runs. With a key, the first
 * answer is stored in the same transaction as the mutation's writes, so a retry (even one racing
 * the first attempt) gets that same answer instead of a second resource. Reusing a key for a
 * different request is a 409.
 */
export async function withIdempotency(
  db: Knex,
  req: Request,
  principal: string,
  key: string | undefined,
  mutation: (tx: Knex.Transaction) => Promise<StoredAnswer>,
): Promise<StoredAnswer> {
  if (!key) return db.transaction(mutation);
  const requestHash = hashOf(req);

  const replay = async (): Promise<StoredAnswer | undefined> => {
    const row = await db('idempotency_keys').where({ principal, key }).first();
    if (!row) return undefined;
    if (row.request_hash !== requestHash) {
      throw new ConflictError(
        `Idempotency-Key '${key}' was already used for a different request`,
      );
    }
    return { status: row.status_code, body: JSON.parse(row.response) };
  };

  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await db.transaction(async tx => {
      const answer = await mutation(tx);
      await tx('idempotency_keys').insert({
        principal,
        key,
        request_hash: requestHash,
        status_code: answer.status,
        response: JSON.stringify(answer.body),
        created_at: Date.now(),
      });
      return answer;
    });
  } catch (error) {
    // A concurrent attempt with the same key committed first (our insert of the key, or of the
    // resource's unique name, lost the race): answer what it answered.
    if (
      isUniqueViolation(error) ||
      (error as Error)?.name === 'ConflictError'
    ) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw error;
  }
}
