import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { LlmOpsAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import { readLlmOpsConfig } from './config';
import { Integrations } from './Integrations';

const adapter = (
  id: string,
  category: LlmOpsAdapter['category'],
  capabilities: string[] = [],
): LlmOpsAdapter =>
  ({
    id,
    category,
    capabilities: new Set<string>(capabilities),
    checkHealth: async () => ({ state: 'up' }),
  } as unknown as LlmOpsAdapter);

const integrations = (adapters: LlmOpsAdapter[], llmOps: object = {}) =>
  new Integrations(
    adapters,
    readLlmOpsConfig(new ConfigReader({ llmOps })),
    mockServices.logger.mock(),
  );

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { field?: string }).field;
  }
  throw new Error('expected an error');
};

describe('Integrations per cluster', () => {
  const a = adapter('kserve:a', 'serving');
  const b = adapter('kserve:b', 'serving');

  it('routes by cluster, and without one to the only cluster or the configured default', () => {
    const two = integrations([a, b]);
    expect(two.serving('kserve', 'b')?.adapter).toBe(b);
    expect(two.servingTools().map(t => t.cluster)).toEqual(['a', 'b']);
    expect(fieldOf(() => two.serving('kserve', undefined))).toBe('cluster');
    expect(fieldOf(() => two.serving('kserve', 'c'))).toBe('cluster');
    expect(integrations([a]).serving('kserve', null)?.adapter).toBe(a);
    const withDefault = integrations([a, b], {
      adapters: { serving: 'kserve:b' },
    });
    expect(withDefault.serving('kserve', undefined)?.adapter).toBe(b);
    expect(withDefault.serving('kserve', 'a')?.adapter).toBe(a);
  });

  it('leaves runtimes without adapters, builtin and switched-off integrations to the store', () => {
    const two = integrations([a, b]);
    expect(two.serving('builtin', null)).toBeUndefined();
    expect(two.serving('ray-serve', 'a')).toBeUndefined();
    expect(
      integrations([a, b], { adapters: { serving: 'builtin' } }).serving(
        'kserve',
        'a',
      ),
    ).toBeUndefined();
    const oneOff = integrations([a, b], {
      integrations: [{ id: 'kserve:a', enabled: false }],
    });
    expect(oneOff.serving('kserve', undefined)?.adapter).toBe(b);
    expect(fieldOf(() => oneOff.serving('kserve', 'a'))).toBe('cluster');
  });

  it('runs argo pipelines on argo and argo-server adapters; the default wins a shared name', () => {
    const kube = adapter('argo:prod', 'orchestration');
    const server = adapter('argo-server:prod', 'orchestration');
    expect(
      integrations([kube, server]).orchestration('argo', 'prod')?.adapter,
    ).toBe(kube);
    expect(
      integrations([kube, server], {
        adapters: { orchestration: 'argo-server:prod' },
      }).orchestration('argo', 'prod')?.adapter,
    ).toBe(server);
    expect(integrations([kube]).clusterTool('argo:prod')?.connection.id).toBe(
      'argo:prod',
    );
  });
});

describe('Integrations synced as sources', () => {
  const mlflow = adapter('mlflow:prod', 'model-registry', ['write']);
  const hub = adapter('huggingface:public', 'model-registry', ['import']);
  const mirror = adapter('huggingface:mirror', 'model-registry', ['import']);

  it('keeps the active registry for writes and imports from every enabled import-only registry', () => {
    const both = integrations([hub, mlflow, mirror]);
    expect(both.modelRegistry()?.adapter).toBe(mlflow);
    expect(both.registryImports().map(i => i.adapter.id)).toEqual([
      'huggingface:public',
      'huggingface:mirror',
    ]);
    expect(both.registryImports()[0].connection.id).toBe('huggingface:public');
    const hubOnly = integrations([hub, mirror], {
      integrations: [{ id: 'huggingface:mirror', enabled: false }],
    });
    // The Hub takes no writes: with it alone, models are written to the store only.
    expect(hubOnly.modelRegistry()).toBeUndefined();
    expect(hubOnly.registryImports().map(i => i.adapter.id)).toEqual([
      'huggingface:public',
    ]);
  });

  it('syncs every enabled data-versioning repository', async () => {
    const a = adapter('dvc:data', 'data-versioning');
    const b = adapter('dvc:features', 'data-versioning');
    const all = integrations([a, b], {
      integrations: [{ id: 'dvc:features', enabled: false }],
    });
    expect(all.dataVersioning().map(d => d.adapter.id)).toEqual(['dvc:data']);
    await expect(all.registry.list()).resolves.toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'dvc:features', enabled: false }),
      ]),
    );
  });
});
