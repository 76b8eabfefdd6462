import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogCollatorExtensionPoint } from '@backstage/plugin-search-backend-module-catalog';
import { llmOpsCatalogCollatorEntityTransformer } from './collatorTransformer';

/**
 * A search module that makes the catalog collator index entity tags (see
 * {@link llmOpsCatalogCollatorEntityTransformer}). Install it next to
 * `@backstage/plugin-search-backend-module-catalog`. The collator takes one transformer: leave
 * this module out if the backend sets its own.
 *
 * @public
 */
export const searchModuleLlmOpsCatalogCollatorTags = createBackendModule({
  pluginId: 'search',
  moduleId: 'llm-ops-catalog-collator-tags',
  register(reg) {
    reg.registerInit({
      deps: { collator: catalogCollatorExtensionPoint },
      async init({ collator }) {
        collator.setEntityTransformer(llmOpsCatalogCollatorEntityTransformer);
      },
    });
  },
});
