import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { MetricHistory } from '../../api/types';

/** Points a chart asks for per run; the server downsamples longer series to about this many. */
export const MAX_POINTS = 500;

/** The history of one metric for several runs, downsampled on the server. */
export function useMetricHistories(runIds: string[], key: string | undefined) {
  const api = useApi(llmOpsApiRef);
  const idsKey = runIds.join(',');
  return useAsync(async (): Promise<MetricHistory[]> => {
    if (!key || runIds.length === 0) return [];
    return Promise.all(
      runIds.map(id =>
        api.getMetricHistory(id, key, { maxPoints: MAX_POINTS }),
      ),
    );
    // idsKey stands for runIds.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, idsKey, key]);
}
