import { createHash } from 'node:crypto';
import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject, JsonValue } from '@backstage/types';
import { LlmOpsClient } from '../client/LlmOpsClient';
import type { AssetKind } from './links';

/**
 * What every llm-ops action needs: discovery and auth to reach the llm-ops plugin as the task's
 * initiator, and the catalog to turn entity refs (what EntityPicker returns) into llm-ops assets.
 *
 * @public
 */
export type LlmOpsActionOptions = {
  discovery: DiscoveryService;
  auth: AuthService;
  /** Without it, an entity ref resolves to its entity name. */
  catalog?: CatalogService;
};

type AnyContext = ActionContext<any, any>;

/** The annotation that links a catalog entity to its llm-ops asset (see llm-ops-common). */
const LLM_OPS_ID_ANNOTATION = 'llm-ops.io/id';

/** A client for the llm-ops API that calls as the user who started the task. */
export async function clientFor(
  options: LlmOpsActionOptions,
  ctx: AnyContext,
): Promise<LlmOpsClient> {
  return LlmOpsClient.forCredentials({
    discovery: options.discovery,
    auth: options.auth,
    credentials: await ctx.getInitiatorCredentials(),
    signal: ctx.signal,
  });
}

/** Identifies this invocation within its task: the step, and the `each` item if any. */
function invocationOf(ctx: AnyContext): string {
  const step = ctx.step?.id ?? 'step';
  if (!ctx.each) return step;
  const item = createHash('sha256')
    .update(JSON.stringify(ctx.each))
    .digest('hex')
    .slice(0, 12);
  return `${step}.${item}`;
}

/**
 * The Idempotency-Key of one create: the task id, the step (and `each` item) and what is
 * created. A task that is retried, or recovered after a crash before its checkpoint was saved,
 * sends the same key, and the API answers with the first result instead of creating twice.
 */
export function idempotencyKey(ctx: AnyContext, purpose: string): string {
  const key = `scaffolder:${ctx.task.id}:${invocationOf(ctx)}:${purpose}`;
  if (key.length <= 255) return key;
  return `scaffolder:sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * Runs a remote write inside a checkpoint, so that a retried task reuses its result instead of
 * writing again. The key is scoped to the `each` item; the scaffolder scopes it to the step.
 */
export function checkpointed<T extends JsonValue>(
  ctx: AnyContext,
  key: string,
  fn: () => Promise<T>,
): Promise<T> {
  const scoped = ctx.each
    ? `${key}.${invocationOf(ctx).split('.').pop()}`
    : key;
  return ctx.checkpoint<T>({ key: `llm-ops.${scoped}`, fn });
}

/** Sets each output, skipping undefined values. */
export function setOutputs(ctx: AnyContext, outputs: JsonObject): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) ctx.output(name, value);
  }
}

/**
 * What to send the llm-ops API for an asset reference: a name or id as given, or for a catalog
 * entity ref the entity's `llm-ops.io/id` annotation (falling back to its name), read from the
 * catalog as the initiator.
 */
export async function resolveAssetReference(
  options: LlmOpsActionOptions,
  ctx: AnyContext,
  kind: AssetKind,
  reference: string,
): Promise<string> {
  if (!reference.includes(':')) return reference;
  const ref = parseEntityRef(reference, {
    defaultKind: kind,
    defaultNamespace: 'default',
  });
  if (ref.kind.toLocaleLowerCase('en-US') !== kind) {
    throw new InputError(
      `'${reference}' is a ${ref.kind} entity ref; expected a ${kind}`,
    );
  }
  if (!options.catalog) return ref.name;
  const entity = await options.catalog.getEntityByRef(ref, {
    credentials: await ctx.getInitiatorCredentials(),
  });
  if (!entity) {
    throw new InputError(
      `There is no catalog entity '${reference}' (or you may not read it)`,
    );
  }
  return entity.metadata.annotations?.[LLM_OPS_ID_ANNOTATION] ?? ref.name;
}

/** A placeholder id in dry-run outputs, where nothing was created. */
export const DRY_RUN_ID = 'dry-run';
