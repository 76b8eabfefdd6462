import { startModuleCapturingAdapters } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { ArgoOrchestrationAdapter } from './adapter';
import { ArgoServerOrchestrationAdapter } from './argoServer';
import { llmOpsModuleArgo } from './module';

const caData = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
).toString('base64');

describe('llmOpsModuleArgo', () => {
  it('adds an adapter per cluster and per Argo Server', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleArgo,
      {
        llmOps: {
          kubernetes: {
            clusters: [
              {
                name: 'prod',
                url: 'https://k8s-prod:6443',
                caData,
                token: 'prod-secret',
              },
              {
                name: 'staging',
                url: 'https://k8s-staging:6443',
                caData,
                token: 'staging-secret',
              },
            ],
          },
          argo: {
            servers: [
              {
                name: 'main',
                baseUrl: 'https://argo:2746',
                token: 'argo-secret',
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
        [...adapter.capabilities].sort(),
      ]),
    ).toEqual([
      [
        ArgoOrchestrationAdapter,
        'argo:prod',
        'orchestration',
        ['stop', 'terminate', 'watch'],
      ],
      [
        ArgoOrchestrationAdapter,
        'argo:staging',
        'orchestration',
        ['stop', 'terminate', 'watch'],
      ],
      [
        ArgoServerOrchestrationAdapter,
        'argo-server:main',
        'orchestration',
        ['retry', 'stop', 'terminate'],
      ],
    ]);
    const logged = JSON.stringify(logger.info.mock.calls);
    expect(logged).toContain('argo:prod, argo:staging, argo-server:main');
    expect(logged).not.toContain('secret');
  });

  it('adds nothing, and says so, without config', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleArgo,
      {},
    );
    expect(adapters).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'No llmOps.kubernetes or llmOps.argo config; no Argo adapters were registered',
    );
  });

  it('fails the startup on invalid config, naming the path', async () => {
    await expect(
      startModuleCapturingAdapters(llmOpsModuleArgo, {
        llmOps: { argo: { servers: [{ name: 'main' }] } },
      }),
    ).rejects.toThrow('llmOps.argo.servers[0].baseUrl');
  });
});
