import type { Response } from 'express';
import type { WriteResult } from '../../integrations/TrackingWriter';
import type { EndpointContext } from '../context';
import { audited, type AuditedEvent } from '../audit';
import type { AnyRequest } from '../types';
import { writeAnswer } from '../writeAnswers';

type AnyResponse = Response<any, any>;

/** How a tool write's resource is answered: its id (for the audit event), view and message. */
export type ToolWriteAnswer<T> = {
  /** By default the resource's own `id`. */
  idOf?: (resource: T) => string;
  view: (resource: T) => unknown;
  message: (resource: T) => string;
};

/**
 * A change to an existing resource that goes through its tool (update, delete, deploy, a
 * pipeline run's stop, ...), after the route has authorised it: written inside the auditor event
 * `eventId`, whose success carries the resource's id, then answered 200 with the view, or 202 when
 * the tool was unavailable and the write went to the outbox (see writeAnswer).
 */
export async function answerAuditedToolWrite<T>(
  ctx: Pick<EndpointContext, 'auditor'>,
  req: AnyRequest,
  res: AnyResponse,
  event: AuditedEvent,
  write: () => Promise<WriteResult<T>>,
  answer: ToolWriteAnswer<T>,
): Promise<void> {
  const idOf =
    answer.idOf ?? ((resource: T) => (resource as { id: string }).id);
  const result = await audited(ctx.auditor, req, event, write, written =>
    idOf(written.resource),
  );
  const { status, body } = writeAnswer(
    result,
    answer.view,
    200,
    answer.message(result.resource),
  );
  res.status(status).json(body);
}
