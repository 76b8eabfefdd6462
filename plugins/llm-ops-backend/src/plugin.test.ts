import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { llmOpsPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/realServices';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'llm-ops plugin on %s',
  databaseId => {
    async function startBackend() {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [llmOpsPlugin, mockServices.database.factory({ knex })],
      });
      return server;
    }

    it('answers health in the envelope with the database client in use', async () => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/llm-ops/v1/health')
        .set('Authorization', mockCredentials.none.header());

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'success',
        message: expect.any(String),
        data: {
          plugin: 'llm-ops',
          version: expect.stringMatching(/^\d+\.\d+\.\d+/),
          database: {
            client: databaseId === 'SQLITE_3' ? 'better-sqlite3' : 'pg',
          },
          cache: { store: 'memory', ok: true },
        },
      });
    });

    it('serves the same API on the legacy /llm-ops/v1 root path', async () => {
      const server = await startBackend();
      const legacy = await request(server).get('/llm-ops/v1/health');
      const current = await request(server).get('/api/llm-ops/v1/health');
      expect(legacy.status).toBe(200);
      expect(legacy.body.data).toEqual(current.body.data);
    });

    it('leaves the frontend routes under /llm-ops on the root to the app', async () => {
      const server = await startBackend();
      // Not the API's 401 envelope: the request went on past the legacy mount.
      const page = await request(server).get('/llm-ops/experiments/demo');
      expect(page.body?.status).not.toBe('error');
      expect(page.status).toBe(404);
    });
  },
);

describe('llm-ops plugin errors', () => {
  async function startBackend() {
    const { server } = await startTestBackend({ features: [llmOpsPlugin] });
    return server;
  }

  it.each(['/api/llm-ops/v1/experiments', '/llm-ops/v1/experiments'])(
    'answers 401 in the envelope without credentials on %s',
    async path => {
      const server = await startBackend();
      const res = await request(server)
        .get(path)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        status: 'error',
        message: expect.any(String),
        data: { error: { name: 'AuthenticationError' } },
      });
    },
  );

  it('answers 401 for a forged token', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/llm-ops/v1/experiments')
      .set('Authorization', 'Bearer not-a-real-token');
    expect(res.status).toBe(401);
    expect(res.body.status).toBe('error');
  });

  it('answers 404 in the envelope for an unknown route', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/llm-ops/v1/no-such-thing')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      status: 'error',
      data: { error: { name: 'NotFoundError' } },
    });
  });

  it('answers 400, not 500, for a body that is not JSON', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/llm-ops/v1/no-such-thing')
      .set('Authorization', mockCredentials.user.header())
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      status: 'error',
      message: expect.stringContaining('not valid JSON'),
      data: { error: { name: 'InputError' } },
    });
  });

  it('serves its OpenAPI spec without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/llm-ops/v1/openapi.json')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toContain('/v1/health');
  });
});
