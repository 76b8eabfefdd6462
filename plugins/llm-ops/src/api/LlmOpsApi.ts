import { createApiRef } from '@backstage/frontend-plugin-api';

/** GET /v1/health: what the llm-ops backend reports about itself. */
export type LlmOpsHealth = {
  plugin: string;
  version: string;
  database: { client: string };
  cache: { store: string; ok: boolean };
};

/** The browser's view of the /llm-ops/v1 API. */
export interface LlmOpsApi {
  getHealth(): Promise<LlmOpsHealth>;
}

export const llmOpsApiRef = createApiRef<LlmOpsApi>().with({
  id: 'plugin.llm-ops.client',
  pluginId: 'llm-ops',
});
