import type { ModelRegistryAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import { startModuleCapturingAdapters } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { HuggingFaceModelRegistryAdapter } from './adapter';
import { llmOpsModuleHuggingFace } from './module';

describe('llmOpsModuleHuggingFace', () => {
  it('adds a read-only model registry adapter per configured hub', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleHuggingFace,
      {
        llmOps: {
          huggingface: {
            hubs: [
              {
                name: 'public',
                token: 'hf_moduleTestTokenSecret',
                models: ['meta-llama/Llama-3.1-8B'],
              },
              {
                name: 'mirror',
                url: 'http://hub-mirror.internal:8090/',
                authors: ['my-org'],
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
        HuggingFaceModelRegistryAdapter,
        'huggingface:public',
        'model-registry',
        ['import'],
      ],
      [
        HuggingFaceModelRegistryAdapter,
        'huggingface:mirror',
        'model-registry',
        ['import'],
      ],
    ]);
    // Read-only: no write methods for the backend to call.
    const registry = adapters[0] as ModelRegistryAdapter;
    expect(registry.createModel).toBeUndefined();
    expect(registry.setAlias).toBeUndefined();
    const logged = JSON.stringify(logger.info.mock.calls);
    expect(logged).toContain('huggingface:public, huggingface:mirror');
    expect(logged).not.toContain('TokenSecret');
  });

  it('adds nothing, and says so, without llmOps.huggingface config', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleHuggingFace,
      {},
    );
    expect(adapters).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'No llmOps.huggingface config; no Hugging Face adapters were registered',
    );
  });

  it('fails the startup on invalid config, naming the path', async () => {
    await expect(
      startModuleCapturingAdapters(llmOpsModuleHuggingFace, {
        llmOps: {
          huggingface: {
            hubs: [{ name: 'public', models: ['not a repo id'] }],
          },
        },
      }),
    ).rejects.toThrow("'llmOps.huggingface.hubs[0].models[0]'");
  });
});
