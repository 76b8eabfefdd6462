// Runs the llm-ops backend plugin on its own, for developing it: `yarn start` in this folder.
// Mock auth lets you call the API without a token:
//   curl http://localhost:7007/api/llm-ops/v1/health
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
