import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Endpoint, EndpointTrafficEntry } from '../../api/types';

export type Serving = { endpoint: Endpoint; entry: EndpointTrafficEntry };

/**
 * Where each version of a model is served: the lineage names the endpoints that ever served a
 * version of it, and each endpoint's desired traffic says which versions it serves now.
 */
export function useModelServing(modelId: string | undefined) {
  const api = useApi(llmOpsApiRef);
  return useAsync(async () => {
    const byVersion = new Map<string, Serving[]>();
    if (!modelId) return byVersion;
    const graph = await api.getLineage('model', modelId, { depth: 1 });
    const endpointIds = graph.nodes
      .filter(n => n.type === 'endpoint')
      .map(n => n.id);
    const endpoints = await Promise.all(
      endpointIds.map(id => api.getEndpoint(id).catch(() => undefined)),
    );
    for (const endpoint of endpoints) {
      for (const entry of endpoint?.desired.traffic ?? []) {
        if (!endpoint) continue;
        const list = byVersion.get(entry.modelVersionId) ?? [];
        list.push({ endpoint, entry });
        byVersion.set(entry.modelVersionId, list);
      }
    }
    return byVersion;
  }, [api, modelId]);
}
