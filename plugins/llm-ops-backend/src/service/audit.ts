import type { Request as ExpressRequest } from 'express';

// Typed routers narrow params, query and body; these helpers accept any of them.
type Request = ExpressRequest<any, any, any, any, any>;
import type { AuditorService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/**
 * Runs a mutation inside an auditor event: `<eventId>` succeeds with the result's id or fails
 * with the error, which is then rethrown for the envelope handler.
 */
export async function audited<T extends { id?: string } | void>(
  auditor: AuditorService,
  req: Request,
  eventId: string,
  meta: JsonObject,
  mutation: () => Promise<T>,
): Promise<T> {
  const event = await auditor.createEvent({
    eventId,
    request: req,
    severityLevel: 'medium',
    meta,
  });
  try {
    const result = await mutation();
    await event.success({
      meta: {
        ...meta,
        id: (result as { id?: string } | undefined)?.id ?? null,
      },
    });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error, meta });
    throw error;
  }
}
