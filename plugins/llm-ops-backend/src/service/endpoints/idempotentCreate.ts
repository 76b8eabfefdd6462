import type { Request } from 'express';
import type { Knex } from 'knex';
import type { LlmOpsAssetPermissions } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { EndpointContext } from '../context';
import { audited } from '../audit';
import { principalOf } from '../access';
import { withIdempotency, type StoredAnswer } from '../idempotency';

/**
 * A create: authorised, idempotent with an Idempotency-Key, audited, in one transaction. The
 * mutation returns the whole answer, so a replay sends back exactly what the first call did.
 */
export async function idempotentCreate(
  ctx: EndpointContext,
  req: Request<any, any, any, any, any>,
  permission: LlmOpsAssetPermissions['create'],
  eventId: string,
  meta: Record<string, string | null>,
  mutation: (tx: Knex.Transaction) => Promise<StoredAnswer & { id: string }>,
): Promise<StoredAnswer> {
  const credentials = await ctx.access.authorize(req, permission);
  return withIdempotency(
    ctx.db,
    req,
    principalOf(credentials),
    req.header('idempotency-key'),
    tx => audited(ctx.auditor, req, eventId, meta, () => mutation(tx)),
  );
}
