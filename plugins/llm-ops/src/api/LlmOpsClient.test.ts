import { LlmOpsApiError, LlmOpsClient } from './LlmOpsClient';

function clientAnswering(status: number, body: unknown) {
  const fetch = jest.fn(
    async () =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const client = new LlmOpsClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/llm-ops' },
    fetchApi: { fetch } as any,
  });
  return { client, fetch };
}

describe('LlmOpsClient', () => {
  it('unwraps the data of a success envelope', async () => {
    const health = {
      plugin: 'llm-ops',
      version: '0.1.0',
      database: { client: 'pg' },
      cache: { store: 'memory', ok: true },
    };
    const { client, fetch } = clientAnswering(200, {
      status: 'success',
      message: 'ok',
      data: health,
    });
    await expect(client.getHealth()).resolves.toEqual(health);
    expect(fetch).toHaveBeenCalledWith('http://backend/api/llm-ops/v1/health');
  });

  it('throws the envelope message and error name on an error answer', async () => {
    const { client } = clientAnswering(403, {
      status: 'error',
      message: 'not allowed to read experiments',
      data: { error: { name: 'NotAllowedError' } },
    });
    const error = await client.getHealth().catch(e => e);
    expect(error).toBeInstanceOf(LlmOpsApiError);
    expect(error).toMatchObject({
      message: 'not allowed to read experiments',
      status: 403,
      errorName: 'NotAllowedError',
    });
  });

  it('reports the HTTP status when the body is not an envelope', async () => {
    const { client } = clientAnswering(502, '<html>Bad gateway</html>');
    await expect(client.getHealth()).rejects.toThrow(/502/);
  });
});
