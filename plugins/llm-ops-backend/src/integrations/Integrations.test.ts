import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { LlmOpsAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import { readLlmOpsConfig } from './config';
import { Integrations } from './Integrations';

const adapter = (
  id: string,
  category: 'serving' | 'orchestration',
): LlmOpsAdapter =>
  ({
    id,
    category,
    capabilities: new Set<string>(),
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
