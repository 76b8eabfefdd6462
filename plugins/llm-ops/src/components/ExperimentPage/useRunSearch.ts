import { useCallback } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import { LlmOpsApiError } from '../../api/LlmOpsClient';
import type { Run } from '../../api/types';
import { useCursorPaging } from '../CursorDataGrid';

/**
 * The runs of one experiment matching an MLflow-style filter, in the given order, a page at a
 * time (POST /v1/runs/search). A 400 answer is a mistake in the filter: it comes back as
 * `filterError` for the search box, not as a failure of the page.
 */
export function useRunSearch(
  experimentId: string,
  filter: string,
  orderBy: string[] | undefined,
) {
  const api = useApi(llmOpsApiRef);
  const resetKey = JSON.stringify({ experimentId, filter, orderBy });
  const load = useCallback(
    (cursor: string | undefined, pageSize: number) =>
      api.searchRuns({
        experimentIds: [experimentId],
        filter: filter || undefined,
        orderBy,
        pageSize,
        cursor,
      }),
    // resetKey stands for experimentId, filter and orderBy.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, resetKey],
  );
  const paging = useCursorPaging<Run>(load, resetKey);
  const filterError =
    paging.error instanceof LlmOpsApiError && paging.error.status === 400
      ? paging.error.message
      : undefined;
  return {
    paging: filterError ? { ...paging, error: undefined } : paging,
    filterError,
  };
}
