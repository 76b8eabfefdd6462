/*
 * The LLM Ops portal backend: the Backstage core plugins the suite builds on,
 * plus the llm-ops plugins and modules of this repository.
 */
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouter } from './httpCompression';
import { searchModuleLlmOpsCatalogCollatorTags } from '@llm-ops/backstage-plugin-catalog-backend-module-llm-ops';

const backend = createBackend();
backend.add(rootHttpRouter);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// Tags of catalog entities (the llm-ops kinds' included) become searchable.
backend.add(searchModuleLlmOpsCatalogCollatorTags);

backend.add(import('@backstage/plugin-user-settings-backend'));

// LLM Ops for Backstage
backend.add(import('@llm-ops/backstage-plugin-llm-ops-backend'));
// Tool modules register adapters only for what app-config configures (llmOps.mlflow, ...).
backend.add(import('@llm-ops/backstage-plugin-llm-ops-backend-module-mlflow'));
backend.add(import('@llm-ops/backstage-plugin-llm-ops-backend-module-kserve'));
backend.add(import('@llm-ops/backstage-plugin-llm-ops-backend-module-argo'));
backend.add(
  import('@llm-ops/backstage-plugin-llm-ops-backend-module-ray-serve'),
);
backend.add(
  import('@llm-ops/backstage-plugin-llm-ops-backend-module-huggingface'),
);
backend.add(import('@llm-ops/backstage-plugin-llm-ops-backend-module-dvc'));
backend.add(import('@llm-ops/backstage-plugin-catalog-backend-module-llm-ops'));
backend.add(
  import('@llm-ops/backstage-plugin-scaffolder-backend-module-llm-ops'),
);

backend.start();
