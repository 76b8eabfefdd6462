import { useCallback } from 'react';
import Box from '@mui/material/Box';
import { useApi } from '@backstage/frontend-plugin-api';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Experiment, ListQuery } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { AssetTable } from '../AssetTable';

/** /llm-ops/experiments: every experiment, a page at a time from the server. */
export const ExperimentsPage = () => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const list = useCallback(
    (query: ListQuery) => api.listExperiments(query),
    [api],
  );
  const linkTo = useCallback(
    (row: Experiment) => links.experiment(row.name),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [links.experiment],
  );
  return (
    <Box p={3}>
      <AssetTable<Experiment>
        list={list}
        what="experiments"
        linkTo={linkTo}
        columns={[
          {
            field: 'description',
            headerName: 'Description',
            flex: 1,
            minWidth: 200,
            valueGetter: (_v, row) => row.description ?? '',
          },
        ]}
        emptyDescription="Experiments appear here once a tracking tool syncs them or a script creates them through /llm-ops/v1."
      />
    </Box>
  );
};
