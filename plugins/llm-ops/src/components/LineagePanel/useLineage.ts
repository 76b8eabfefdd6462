import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { LineageNodeType } from '../../api/types';

/** GET /v1/lineage/{type}/{id}. */
export function useLineage(
  type: LineageNodeType | undefined,
  id: string | undefined,
  depth?: number,
) {
  const api = useApi(llmOpsApiRef);
  return useAsync(async () => {
    if (!type || !id) return undefined;
    return api.getLineage(type, id, { depth });
  }, [api, type, id, depth]);
}
