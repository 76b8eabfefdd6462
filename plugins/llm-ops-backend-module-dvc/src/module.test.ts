import { startModuleCapturingAdapters } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { DvcDataVersioningAdapter } from './adapter';
import { llmOpsModuleDvc } from './module';

describe('llmOpsModuleDvc', () => {
  it('adds a data-versioning adapter per configured repository', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleDvc,
      {
        llmOps: {
          dvc: {
            repositories: [
              { name: 'datasets', path: '../../examples/dvc-repo' },
              {
                name: 'remote-data',
                url: 'https://github.com/org/data',
                refs: ['v1.0', 'main'],
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
        DvcDataVersioningAdapter,
        'dvc:datasets',
        'data-versioning',
        ['stage-lineage'],
      ],
      [
        DvcDataVersioningAdapter,
        'dvc:remote-data',
        'data-versioning',
        ['stage-lineage'],
      ],
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      'Registered DVC data-versioning adapters dvc:datasets, dvc:remote-data',
    );
  });

  it('adds nothing, and says so, without llmOps.dvc config', async () => {
    const { adapters, logger } = await startModuleCapturingAdapters(
      llmOpsModuleDvc,
      {},
    );
    expect(adapters).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'No llmOps.dvc config; no DVC data-versioning adapters were registered',
    );
  });

  it.each([
    [{ name: 'a' }, "Give exactly one of 'llmOps.dvc.repositories[0].path'"],
    [
      { name: 'a', url: 'https://github.com/org/data' },
      "Missing required config value at 'llmOps.dvc.repositories[0].refs'",
    ],
    [
      { name: 'a', url: 'https://git.example.com/org/data', refs: ['main'] },
      "No Backstage integration matches the host of 'llmOps.dvc.repositories[0].url'",
    ],
  ])(
    'fails the startup on invalid config %j, naming the path',
    async (repository, message) => {
      await expect(
        startModuleCapturingAdapters(llmOpsModuleDvc, {
          llmOps: { dvc: { repositories: [repository] } },
        }),
      ).rejects.toThrow(message);
    },
  );
});
