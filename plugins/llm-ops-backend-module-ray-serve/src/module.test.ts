import { startModuleCapturingAdapters } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { RayServeServingAdapter } from './adapter';
import { llmOpsModuleRayServe } from './module';

describe('llmOpsModuleRayServe', () => {
  it('adds a serving adapter per configured Ray cluster, without canary', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleRayServe,
      {
        llmOps: {
          rayServe: {
            clusters: [
              {
                name: 'prod',
                dashboardUrl: 'https://ray-prod.example.com:8265',
                token: 'prod-token-secret',
              },
              { name: 'dev', dashboardUrl: 'http://127.0.0.1:8265' },
            ],
          },
        },
      },
    );

    expect(
      adapters.map(adapter => [
        adapter.constructor,
        adapter.id,
        adapter.category,
        [...adapter.capabilities],
      ]),
    ).toEqual([
      [RayServeServingAdapter, 'ray-serve:prod', 'serving', ['watch', 'scale']],
      [RayServeServingAdapter, 'ray-serve:dev', 'serving', ['watch', 'scale']],
    ]);
    expect(adapters[0].capabilities.has('canary')).toBe(false);
    const logged = JSON.stringify(logger.info.mock.calls);
    expect(logged).toContain('ray-serve:prod, ray-serve:dev');
    expect(logged).not.toContain('token-secret');
  });

  it('adds nothing, and says so, without llmOps.rayServe config', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleRayServe,
      {},
    );
    expect(adapters).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'No llmOps.rayServe config; no Ray Serve adapters were registered',
    );
  });

  it('fails the startup on invalid config, naming the path', async () => {
    await expect(
      startModuleCapturingAdapters(llmOpsModuleRayServe, {
        llmOps: { rayServe: { clusters: [{ name: 'prod' }] } },
      }),
    ).rejects.toThrow('llmOps.rayServe.clusters[0].dashboardUrl');
  });
});
