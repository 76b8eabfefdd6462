import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The LLM Ops entity provider, which mirrors the experiments, models, datasets, endpoints
       * and pipelines of the llm-ops store into the catalog.
       */
      llmOps?: {
        /**
         * When the full sync runs: it reads the whole store and replaces every entity the
         * provider emitted, removing those whose asset is gone. Default: every 5 minutes, with
         * a 10 minute timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * How often the provider polls the store for assets changed since its last look and
         * applies just those, between full syncs. A duration such as `{ seconds: 5 }` or an
         * ISO 8601 duration; `false` (or 0) turns the polling off. Default: 5 seconds.
         */
        deltaFrequency?: HumanDuration | string | false | 0;
        /**
         * The owner of assets that have none in the store (or one the catalog cannot parse),
         * as an entity ref. Default: group:default/ml-platform.
         */
        defaultOwner?: string;
      };
    };
  };
}
