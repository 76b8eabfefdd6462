import type { WriteResult } from '../integrations/TrackingWriter';
import type { StoredAnswer } from './idempotency';

/**
 * The answer to a write: the resource with `okStatus` when the tool (or the store) took it, or
 * 202 with the outbox entry to follow when it was queued for a tool that is unavailable.
 */
export function writeAnswer<T>(
  result: WriteResult<T>,
  view: (resource: T) => unknown,
  okStatus: number,
  message: string,
): StoredAnswer {
  if (result.queued) {
    return {
      status: 202,
      body: {
        status: 'success',
        message: `${message}; queued: ${result.queued.integration} is unavailable, the write will be replayed when it answers`,
        data: {
          outbox: {
            id: result.queued.outboxId,
            state: 'pending',
            integration: result.queued.integration,
          },
          resource: view(result.resource),
        },
      },
    };
  }
  return {
    status: okStatus,
    body: { status: 'success', message, data: view(result.resource) },
  };
}
