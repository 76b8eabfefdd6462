import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { WriteResult } from '../client/types';
import type { Zod } from './validation';

/** Output fields every action that touches an asset has: where to find it. */
export const linkOutputs = (what: string) => ({
  entityRef: (z: Zod) =>
    z.string({
      description: `The catalog entity ref of the ${what}, e.g. for output links (entityRef).`,
    }),
  catalogUrl: (z: Zod) =>
    z.string({
      description: `The ${what}'s page in the catalog, /catalog/default/<kind>/<name>.`,
    }),
  sourceUrl: (z: Zod) =>
    z
      .string({
        description: `The ${what} in its tool's own UI (MLflow, Argo, ...), when the tool has one.`,
      })
      .optional(),
});

/** Output fields of a create that the API may queue while its tool is down (HTTP 202). */
export const queuedOutputs = {
  queued: (z: Zod) =>
    z.boolean({
      description:
        'True when the tool was unavailable and the write waits in the llm-ops outbox; it is replayed when the tool answers.',
    }),
  outboxId: (z: Zod) =>
    z
      .number({
        description:
          'The outbox entry of a queued write; follow it with GET /v1/outbox/{id}.',
      })
      .optional(),
};

/** Says in the task log that a write was queued, and returns the outputs that say so. */
export function reportQueued(
  ctx: ActionContext<any, any>,
  what: string,
  result: WriteResult<unknown>,
): { queued: boolean; outboxId?: number } {
  if (!result.queued) return { queued: false };
  ctx.logger.warn(
    `${what} queued: ${result.queued.integration} is unavailable, so the write waits in the llm-ops outbox (entry ${result.queued.id}) and is replayed when the tool answers`,
  );
  return { queued: true, outboxId: result.queued.id };
}
