import type { AnyRequest } from '../types';
import type { Knex } from 'knex';
import type { JsonObject } from '@backstage/types';
import type { LlmOpsAssetPermissions } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { EndpointContext } from '../context';
import { audited } from '../audit';
import { principalOf } from '../access';
import {
  withIdempotency,
  withIdempotentCommit,
  type StoredAnswer,
} from '../idempotency';

/** What every create route states: its permission, audit event and the event's details. */
export type CreateEvent = {
  permission: LlmOpsAssetPermissions['create'];
  eventId: string;
  meta: JsonObject;
};

/**
 * A create written in one transaction: authorised, idempotent with an Idempotency-Key, audited.
 * The mutation returns the whole answer, so a replay sends back exactly what the first call did.
 */
export async function idempotentCreate(
  ctx: EndpointContext,
  req: AnyRequest,
  event: CreateEvent,
  mutation: (tx: Knex.Transaction) => Promise<StoredAnswer & { id: string }>,
): Promise<StoredAnswer> {
  const credentials = await ctx.access.authorize(req, event.permission);
  return withIdempotency(
    ctx.db,
    req,
    principalOf(credentials),
    req.header('idempotency-key'),
    tx => audited(ctx.auditor, req, event, () => mutation(tx)),
  );
}

/**
 * A create whose writer calls the tool outside any transaction (withIdempotentCommit):
 * authorised and audited the same way; the writer hands its answer to `commit` inside the
 * transaction that makes the outcome final.
 */
export async function idempotentToolCreate(
  ctx: EndpointContext,
  req: AnyRequest,
  event: CreateEvent,
  create: (
    commit: (tx: Knex, answer: StoredAnswer) => Promise<void>,
  ) => Promise<{ id: string }>,
): Promise<StoredAnswer> {
  const credentials = await ctx.access.authorize(req, event.permission);
  return withIdempotentCommit(
    ctx.db,
    req,
    principalOf(credentials),
    req.header('idempotency-key'),
    commit => audited(ctx.auditor, req, event, () => create(commit)),
  );
}
