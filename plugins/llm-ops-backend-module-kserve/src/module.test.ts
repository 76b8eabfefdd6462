import { startModuleCapturingAdapters } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { KServeServingAdapter } from './adapter';
import { llmOpsModuleKserve } from './module';

const caData = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
).toString('base64');

describe('llmOpsModuleKserve', () => {
  it('adds a serving adapter per configured cluster', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleKserve,
      {
        llmOps: {
          kubernetes: {
            clusters: [
              {
                name: 'prod',
                url: 'https://k8s-prod.example.com:6443',
                caData,
                token: 'prod-token-secret',
                defaultNamespace: 'models',
              },
              {
                name: 'staging',
                url: 'https://k8s-staging.example.com:6443',
                caData,
                token: 'staging-token-secret',
              },
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
      [
        KServeServingAdapter,
        'kserve:prod',
        'serving',
        ['canary', 'watch', 'scale'],
      ],
      [
        KServeServingAdapter,
        'kserve:staging',
        'serving',
        ['canary', 'watch', 'scale'],
      ],
    ]);
    const logged = JSON.stringify(logger.info.mock.calls);
    expect(logged).toContain('kserve:prod, kserve:staging');
    expect(logged).not.toContain('token-secret');
  });

  it('adds nothing, and says so, without llmOps.kubernetes config', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleKserve,
      {},
    );
    expect(adapters).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'No llmOps.kubernetes config; no KServe adapters were registered',
    );
  });

  it.each([
    [{ clusters: [{ name: 'prod' }] }, 'llmOps.kubernetes.clusters[0].url'],
    [
      {
        clusters: [{ name: 'prod', kubeconfigPath: '/nonexistent/kubeconfig' }],
      },
      "Could not read the kubeconfig of cluster 'prod' at '/nonexistent/kubeconfig'",
    ],
  ])('fails the startup on %j', async (kubernetes, message) => {
    await expect(
      startModuleCapturingAdapters(llmOpsModuleKserve, {
        llmOps: { kubernetes },
      }),
    ).rejects.toThrow(message);
  });
});
