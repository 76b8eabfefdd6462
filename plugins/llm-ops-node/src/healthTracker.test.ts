import { IntegrationHealthTracker, statusOfError } from './healthTracker';

describe('IntegrationHealthTracker', () => {
  it('reports no lastSuccessAt before the first success, and keeps it after failures', () => {
    const health = new IntegrationHealthTracker();
    expect(health.failed('down', 'refused')).toEqual({
      state: 'down',
      lastError: 'refused',
    });
    const up = health.up(12);
    expect(up).toEqual({
      state: 'up',
      lastSuccessAt: expect.any(String),
      latencyMs: 12,
    });
    expect(health.failed('degraded', '401', 5)).toEqual({
      state: 'degraded',
      lastError: '401',
      lastSuccessAt: up.lastSuccessAt,
      latencyMs: 5,
    });
  });

  it('tells down (no answer, 5xx) from degraded (4xx, with latency) for HTTP calls', () => {
    const health = new IntegrationHealthTracker();
    expect(health.failedCall(undefined, 'ECONNREFUSED', 3)).toEqual({
      state: 'down',
      lastError: 'ECONNREFUSED',
    });
    expect(health.failedCall(503, 'unavailable', 3)).toEqual({
      state: 'down',
      lastError: 'unavailable',
    });
    expect(health.failedCall(403, 'forbidden', 3)).toEqual({
      state: 'degraded',
      lastError: 'forbidden',
      latencyMs: 3,
    });
  });

  it('reads the status an error carries', () => {
    expect(statusOfError(Object.assign(new Error('x'), { status: 404 }))).toBe(
      404,
    );
    expect(statusOfError(new Error('x'))).toBeUndefined();
    expect(statusOfError(undefined)).toBeUndefined();
  });
});
