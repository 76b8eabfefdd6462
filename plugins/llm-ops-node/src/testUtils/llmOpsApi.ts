import type { Server } from 'node:http';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';

/** Where the llm-ops plugin serves its versioned API in a test backend. */
const apiBase = '/api/llm-ops/v1';

/**
 * Requests to the llm-ops API of a test backend, signed in as the mock user, so tests read as
 * calls to the API rather than HTTP plumbing. Paths are relative to `/api/llm-ops/v1`.
 *
 * @public
 */
export function createLlmOpsApi(server: Server) {
  const auth = mockCredentials.user.header();
  return {
    get: (path: string) =>
      request(server).get(`${apiBase}${path}`).set('Authorization', auth),
    post: (path: string, body?: unknown) =>
      request(server)
        .post(`${apiBase}${path}`)
        .set('Authorization', auth)
        .send((body ?? {}) as object),
    patch: (path: string, body: unknown) =>
      request(server)
        .patch(`${apiBase}${path}`)
        .set('Authorization', auth)
        .send(body as object),
    delete: (path: string) =>
      request(server).delete(`${apiBase}${path}`).set('Authorization', auth),
  };
}

/** @public */
export type LlmOpsApi = ReturnType<typeof createLlmOpsApi>;
