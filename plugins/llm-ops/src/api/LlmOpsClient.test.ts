import { LlmOpsApiError, LlmOpsClient } from './LlmOpsClient';

function clientAnswering(status: number, body: unknown) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
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

const success = (data: unknown) => ({ status: 'success', message: 'ok', data });
const emptyPage = {
  items: [],
  nextCursor: null,
  freshness: { stale: false, degradedIntegrations: [] },
};

describe('LlmOpsClient', () => {
  it('unwraps the data of a success envelope', async () => {
    const health = {
      plugin: 'llm-ops',
      version: '0.1.0',
      database: { client: 'pg' },
      cache: { store: 'memory', ok: true },
    };
    const { client, fetch } = clientAnswering(200, success(health));
    await expect(client.getHealth()).resolves.toEqual(health);
    expect(fetch).toHaveBeenCalledWith('http://backend/api/llm-ops/v1/health');
  });

  it('throws the envelope message, error name and field on an error answer', async () => {
    const { client } = clientAnswering(400, {
      status: 'error',
      message: 'Invalid filter at position 3',
      data: { error: { name: 'InputError', field: 'filter' } },
    });
    const error = await client
      .searchRuns({ experimentIds: ['e'], filter: 'a >' })
      .catch(e => e);
    expect(error).toBeInstanceOf(LlmOpsApiError);
    expect(error).toMatchObject({
      message: 'Invalid filter at position 3',
      status: 400,
      errorName: 'InputError',
      field: 'filter',
    });
  });

  it('reports the HTTP status when the body is not an envelope', async () => {
    const { client } = clientAnswering(502, '<html>Bad gateway</html>');
    await expect(client.getHealth()).rejects.toThrow(/502/);
  });

  it('sends list queries without empty parameters', async () => {
    const { client, fetch } = clientAnswering(200, success(emptyPage));
    await client.listExperiments({
      pageSize: 25,
      orderBy: '-updatedAt',
      q: '',
      cursor: undefined,
      tag: 'team=ml',
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/llm-ops/v1/experiments?pageSize=25&orderBy=-updatedAt&tag=team%3Dml',
    );
  });

  it('posts run searches as JSON', async () => {
    const { client, fetch } = clientAnswering(200, success(emptyPage));
    await client.searchRuns({
      experimentIds: ['sweep'],
      filter: "params.lr = '0.01'",
      orderBy: ['metrics.acc DESC'],
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backend/api/llm-ops/v1/runs/search');
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(init!.body as string)).toEqual({
      experimentIds: ['sweep'],
      filter: "params.lr = '0.01'",
      orderBy: ['metrics.acc DESC'],
    });
  });

  it('escapes path segments and asks for downsampled metric history', async () => {
    const { client, fetch } = clientAnswering(
      200,
      success({
        runId: 'r',
        key: 'a/b',
        points: [],
        nextCursor: null,
        downsampled: true,
      }),
    );
    await client.getMetricHistory('r 1', 'eval/loss', { maxPoints: 500 });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/llm-ops/v1/runs/r%201/metrics/eval%2Floss/history?maxPoints=500',
    );
  });

  it('returns the resource of a promotion', async () => {
    const endpoint = { id: 'e', name: 'chat' };
    const { client, fetch } = clientAnswering(200, success(endpoint));
    await expect(client.promoteEndpoint('chat')).resolves.toEqual({
      resource: endpoint,
    });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/llm-ops/v1/endpoints/chat/promote',
    );
    expect(fetch.mock.calls[0][1]).toMatchObject({ method: 'POST' });
  });

  it('returns the outbox entry of a write queued while its tool is down (202)', async () => {
    const resource = { id: 'e', name: 'chat' };
    const outbox = { id: 9, state: 'pending', integration: 'kserve' };
    const { client } = clientAnswering(202, success({ outbox, resource }));
    await expect(client.rollbackEndpoint('chat')).resolves.toEqual({
      resource,
      outbox,
    });
  });

  it('reads lineage with a depth', async () => {
    const { client, fetch } = clientAnswering(
      200,
      success({ root: 'x', nodes: [], edges: [] }),
    );
    await client.getLineage('model-version', 'abc', { depth: 2 });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/llm-ops/v1/lineage/model-version/abc?depth=2',
    );
  });
});
