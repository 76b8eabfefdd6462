import { startModuleCapturingAdapters } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { MlflowRegistryAdapter } from './adapter/MlflowRegistryAdapter';
import { MlflowTrackingAdapter } from './adapter/MlflowTrackingAdapter';
import { llmOpsModuleMlflow } from './module';

describe('llmOpsModuleMlflow', () => {
  it('adds a tracking and a registry adapter per configured instance', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleMlflow,
      {
        llmOps: {
          mlflow: {
            instances: [
              {
                id: 'prod',
                baseUrl: 'http://mlflow-prod:5000',
                token: 'prod-token-secret',
              },
              { id: 'staging', baseUrl: 'http://mlflow-staging:5000' },
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
      ]),
    ).toEqual([
      [MlflowTrackingAdapter, 'mlflow:prod', 'experiment-tracking'],
      [MlflowRegistryAdapter, 'mlflow:prod', 'model-registry'],
      [MlflowTrackingAdapter, 'mlflow:staging', 'experiment-tracking'],
      [MlflowRegistryAdapter, 'mlflow:staging', 'model-registry'],
    ]);
    const logged = JSON.stringify(logger.info.mock.calls);
    expect(logged).toContain('mlflow:prod, mlflow:staging');
    expect(logged).not.toContain('prod-token-secret');
  });

  it('adds nothing, and says so, without llmOps.mlflow config', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleMlflow,
      {},
    );
    expect(adapters).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'No llmOps.mlflow config; no MLflow adapters were registered',
    );
  });

  it('fails the startup on invalid config, naming the path', async () => {
    await expect(
      startModuleCapturingAdapters(llmOpsModuleMlflow, {
        llmOps: { mlflow: { instances: [{ id: 'prod' }] } },
      }),
    ).rejects.toThrow('llmOps.mlflow.instances[0].baseUrl');
  });
});
