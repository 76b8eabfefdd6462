import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { LineageNode } from '../../api/types';

/**
 * Which runs and pipeline runs used each version of a dataset, from its lineage: the versions
 * are contained in the dataset, and `used` edges lead from a version to whoever read it.
 */
export function useDatasetUsage(datasetId: string | undefined) {
  const api = useApi(llmOpsApiRef);
  return useAsync(async () => {
    const byVersion = new Map<string, LineageNode[]>();
    if (!datasetId) return byVersion;
    const graph = await api.getLineage('dataset', datasetId, { depth: 1 });
    const nodes = new Map(graph.nodes.map(n => [n.id, n]));
    for (const edge of graph.edges) {
      if (edge.relation !== 'used') continue;
      const user = nodes.get(edge.to);
      if (!user) continue;
      byVersion.set(edge.from, [...(byVersion.get(edge.from) ?? []), user]);
    }
    return byVersion;
  }, [api, datasetId]);
}
