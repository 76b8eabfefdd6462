import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Freshness } from '../../api/types';

/** How many items a count asks for; with more, the count shows as "50+". */
export const COUNT_PAGE = 50;

export type Count = {
  kind: 'experiments' | 'models' | 'endpoints' | 'datasets' | 'pipelines';
  count: number;
  more: boolean;
  freshness: Freshness;
};

/**
 * The size of each list. The API has no count endpoint (counting is what makes big lists slow),
 * so this reads one page of each and says "50+" when there is a next page.
 */
export function useCounts() {
  const api = useApi(llmOpsApiRef);
  return useAsync(async (): Promise<Count[]> => {
    const query = { pageSize: COUNT_PAGE };
    const lists = await Promise.all([
      api.listExperiments(query),
      api.listModels(query),
      api.listEndpoints(query),
      api.listDatasets(query),
      api.listPipelines(query),
    ]);
    const kinds: Count['kind'][] = [
      'experiments',
      'models',
      'endpoints',
      'datasets',
      'pipelines',
    ];
    return lists.map((page, i) => ({
      kind: kinds[i],
      count: page.items.length,
      more: !!page.nextCursor,
      freshness: page.freshness,
    }));
  }, [api]);
}

/** The latest runs across the most recently updated experiments. */
export function useRecentRuns(experiments = 20, runs = 10) {
  const api = useApi(llmOpsApiRef);
  return useAsync(async () => {
    const recent = await api.listExperiments({
      orderBy: '-updatedAt',
      pageSize: experiments,
    });
    if (recent.items.length === 0) {
      return {
        runs: [],
        experiments: recent.items,
        freshness: recent.freshness,
      };
    }
    const page = await api.searchRuns({
      experimentIds: recent.items.map(e => e.id),
      orderBy: ['attributes.start_time DESC'],
      pageSize: runs,
    });
    return {
      runs: page.items,
      experiments: recent.items,
      freshness: page.freshness,
    };
  }, [api]);
}

/** The endpoints changed last: the latest deployments, promotions and rollbacks. */
export function useRecentDeployments(count = 5) {
  const api = useApi(llmOpsApiRef);
  return useAsync(
    () => api.listEndpoints({ orderBy: '-updatedAt', pageSize: count }),
    [api, count],
  );
}

/** GET /v1/integrations: every tool and its health. */
export function useIntegrations() {
  const api = useApi(llmOpsApiRef);
  return useAsync(() => api.listIntegrations(), [api]);
}

/** GET /v1/health: the backend itself. */
export function useHealth() {
  const api = useApi(llmOpsApiRef);
  return useAsync(() => api.getHealth(), [api]);
}
