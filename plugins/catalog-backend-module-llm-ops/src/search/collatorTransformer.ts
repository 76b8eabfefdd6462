import type { Entity } from '@backstage/catalog-model';
import type { CatalogEntityDocument } from '@backstage/plugin-catalog-common';
import {
  type CatalogCollatorEntityTransformer,
  defaultCatalogCollatorEntityTransformer,
} from '@backstage/plugin-search-backend-module-catalog';

/** A catalog search document that also carries the entity's tags. */
export type CatalogEntityDocumentWithTags = Omit<
  CatalogEntityDocument,
  'location' | 'authorization'
> & { tags: string[] };

/**
 * The catalog collator's default document (title, description, kind, type, lifecycle, owner)
 * plus `metadata.tags`, which the default leaves out, so that entities of every kind (the LLM
 * Ops kinds included) are found by tag. Every document has `tags`, even an empty one: the Lunr
 * engine indexes only the fields of the first document it sees. Each tag stays one token (Lunr
 * indexes array items whole), so `domain:retrieval` is found as typed; PostgreSQL search
 * indexes the array's strings like any other field.
 *
 * @public
 */
export const llmOpsCatalogCollatorEntityTransformer: CatalogCollatorEntityTransformer =
  (entity: Entity) => {
    const document: CatalogEntityDocumentWithTags = {
      ...defaultCatalogCollatorEntityTransformer(entity),
      tags: entity.metadata.tags ?? [],
    };
    return document;
  };
