import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { llmOpsApiRef } from './api/LlmOpsApi';
import { LlmOpsClient } from './api/LlmOpsClient';

export const llmOpsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: llmOpsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new LlmOpsClient({ discoveryApi, fetchApi }),
    }),
});
