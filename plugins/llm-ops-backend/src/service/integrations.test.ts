import {
  INTEGRATION_CATEGORIES,
  IntegrationRegistry,
  IntegrationStatusTracker,
  type IntegrationStatus,
} from './integrations';

describe('IntegrationRegistry', () => {
  it('lists only the built-in store, up in all five categories, with no tool configured', async () => {
    const registry = new IntegrationRegistry();
    expect(await registry.list()).toEqual([
      {
        id: 'builtin',
        type: 'builtin',
        categories: [
          'experiment-tracking',
          'model-registry',
          'serving',
          'orchestration',
          'data-versioning',
        ],
        enabled: true,
        state: 'up',
        lastError: null,
        lastSuccessfulSyncAt: null,
        since: expect.any(Date),
        outboxDepth: 0,
      },
    ]);
    expect(await registry.freshness().forResource('endpoint')).toEqual({
      stale: false,
      degradedIntegrations: [],
    });
  });

  it('lists registered tools after the built-in store', async () => {
    const registry = new IntegrationRegistry();
    const mlflow = new IntegrationStatusTracker({
      id: 'mlflow:prod',
      type: 'mlflow',
      categories: ['experiment-tracking', 'model-registry'],
    });
    registry.register(mlflow);
    const ids = (await registry.list()).map(s => s.id);
    expect(ids).toEqual(['builtin', 'mlflow:prod']);
  });

  it('refuses a second integration with the same id, and the builtin id', () => {
    const registry = new IntegrationRegistry();
    const tracker = () =>
      new IntegrationStatusTracker({
        id: 'argo:east',
        type: 'argo',
        categories: ['orchestration'],
      });
    registry.register(tracker());
    expect(() => registry.register(tracker())).toThrow(/already registered/);
    expect(() =>
      registry.register({
        id: 'builtin',
        describe: async () => ({} as IntegrationStatus),
      }),
    ).toThrow(/reserved/);
  });

  it('reports a provider whose describe fails or hangs as down, and keeps listing', async () => {
    let now = new Date('2026-11-26T10:00:00Z');
    const registry = new IntegrationRegistry({
      clock: () => now,
      describeTimeoutMs: 50,
    });
    registry.register({
      id: 'kserve:east',
      type: 'kserve',
      categories: ['serving'],
      describe: async () => {
        throw new Error('connection refused');
      },
    });
    registry.register({
      id: 'dvc:data',
      describe: () => new Promise<IntegrationStatus>(() => {}),
    });
    const [, kserve, dvc] = await registry.list();
    expect(kserve).toMatchObject({
      id: 'kserve:east',
      type: 'kserve',
      categories: ['serving'],
      state: 'down',
      lastError: 'connection refused',
      since: new Date('2026-11-26T10:00:00Z'),
    });
    expect(dvc).toMatchObject({ id: 'dvc:data', state: 'down' });
    expect(dvc.lastError).toMatch(/within 50 ms/);

    // `since` stays when it fails again later.
    now = new Date('2026-11-26T10:05:00Z');
    const [, again] = await registry.list();
    expect(again.since).toEqual(new Date('2026-11-26T10:00:00Z'));

    const freshness = await registry.freshness().forResource('endpoint');
    expect(freshness).toEqual({
      stale: true,
      degradedIntegrations: [
        { id: 'kserve:east', since: '2026-11-26T10:00:00.000Z' },
      ],
    });
    // An experiment list is not behind a serving integration.
    expect((await registry.freshness().forResource('experiment')).stale).toBe(
      false,
    );
  });
});

describe('IntegrationStatusTracker', () => {
  it('moves from up to degraded to down and back, with since and the last error', async () => {
    let now = new Date('2026-11-26T09:00:00Z');
    const tracker = new IntegrationStatusTracker({
      id: 'argo:east',
      type: 'argo',
      categories: ['orchestration'],
      downAfterFailures: 2,
      clock: () => now,
    });
    expect(await tracker.describe()).toMatchObject({
      state: 'up',
      since: new Date('2026-11-26T09:00:00Z'),
      lastSuccessfulSyncAt: null,
      lastError: null,
      outboxDepth: 0,
    });

    now = new Date('2026-11-26T09:01:00Z');
    tracker.recordSuccess();
    expect((await tracker.describe()).lastSuccessfulSyncAt).toEqual(now);
    expect((await tracker.describe()).since).toEqual(
      new Date('2026-11-26T09:00:00Z'),
    );

    now = new Date('2026-11-26T09:02:00Z');
    tracker.recordFailure(new Error('503 Service Unavailable'));
    expect(await tracker.describe()).toMatchObject({
      state: 'degraded',
      since: new Date('2026-11-26T09:02:00Z'),
      lastError: '503 Service Unavailable',
    });

    now = new Date('2026-11-26T09:03:00Z');
    tracker.recordFailure('timeout');
    tracker.setOutboxDepth(4);
    expect(await tracker.describe()).toMatchObject({
      state: 'down',
      since: new Date('2026-11-26T09:03:00Z'),
      lastError: 'timeout',
      outboxDepth: 4,
      lastSuccessfulSyncAt: new Date('2026-11-26T09:01:00Z'),
    });

    now = new Date('2026-11-26T09:04:00Z');
    tracker.recordSuccess();
    expect(await tracker.describe()).toMatchObject({
      state: 'up',
      since: new Date('2026-11-26T09:04:00Z'),
    });
  });

  it('knows the five categories', () => {
    expect(INTEGRATION_CATEGORIES).toHaveLength(5);
  });
});
