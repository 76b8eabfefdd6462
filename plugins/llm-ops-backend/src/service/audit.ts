import type { AnyRequest } from './types';
import type { AuditorService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';

/** What an audited write reports: its event id and its details. */
export type AuditedEvent = { eventId: string; meta: JsonObject };

/** The id of what a write wrote, found in its result; by default the result's own `id`. */
export type IdOf<T> = (result: T) => string;

const ownId = (result: unknown) => (result as { id?: string } | undefined)?.id;

/**
 * Runs a mutation inside an auditor event: `<eventId>` succeeds with the written resource's id or
 * fails with the error, which is then rethrown for the envelope handler.
 */
export async function audited<T>(
  auditor: AuditorService,
  req: AnyRequest,
  event: AuditedEvent,
  mutation: () => Promise<T>,
  idOf: IdOf<T> = ownId as IdOf<T>,
): Promise<T> {
  const { eventId, meta } = event;
  const auditEvent = await auditor.createEvent({
    eventId,
    request: req,
    severityLevel: 'medium',
    meta,
  });
  try {
    const result = await mutation();
    await auditEvent.success({ meta: { ...meta, id: idOf(result) ?? null } });
    return result;
  } catch (error) {
    await auditEvent.fail({ error: error as Error, meta });
    throw error;
  }
}

/** A write to the store in one transaction, inside an auditor event (see audited). */
export function auditedTransaction<T>(
  ctx: { auditor: AuditorService; db: Knex },
  req: AnyRequest,
  event: AuditedEvent,
  write: (tx: Knex.Transaction) => Promise<T>,
  idOf?: IdOf<T>,
): Promise<T> {
  return audited(
    ctx.auditor,
    req,
    event,
    () => ctx.db.transaction(write),
    idOf,
  );
}
