import type { Entity } from '@backstage/catalog-model';

/** The annotation that ties a catalog entity to its llm-ops resource (the llm-ops id). @public */
export const LLM_OPS_ID_ANNOTATION = 'llm-ops.io/id';

/** The catalog kinds whose entities mirror llm-ops resources. @public */
export const LLM_OPS_KINDS = [
  'experiment',
  'model',
  'endpoint',
  'dataset',
  'pipeline',
] as const;

/** @public */
export type LlmOpsKind = (typeof LLM_OPS_KINDS)[number];

/** The llm-ops id of an entity, if it has one. @public */
export function llmOpsIdOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[LLM_OPS_ID_ANNOTATION] || undefined;
}

/** Whether an entity is one of the llm-ops kinds and carries its llm-ops id. @public */
export function isLlmOpsAvailable(entity: Entity): boolean {
  return (
    (LLM_OPS_KINDS as readonly string[]).includes(entity.kind.toLowerCase()) &&
    !!llmOpsIdOf(entity)
  );
}
