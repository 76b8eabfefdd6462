import { useCallback } from 'react';
import Box from '@mui/material/Box';
import { useApi } from '@backstage/frontend-plugin-api';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Dataset, ListQuery } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { AssetTable } from '../AssetTable';

/** /llm-ops/datasets: datasets, a page at a time from the server. */
export const DatasetsPage = () => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const list = useCallback(
    (query: ListQuery) => api.listDatasets(query),
    [api],
  );
  const linkTo = useCallback(
    (row: Dataset) => links.dataset(row.name),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [links.dataset],
  );
  return (
    <Box p={3}>
      <AssetTable<Dataset>
        list={list}
        what="datasets"
        linkTo={linkTo}
        columns={[
          {
            field: 'latestVersion',
            headerName: 'Latest version',
            width: 150,
            valueGetter: (_v, row) => row.latestVersion ?? '—',
          },
          {
            field: 'description',
            headerName: 'Description',
            flex: 1,
            minWidth: 200,
            valueGetter: (_v, row) => row.description ?? '',
          },
        ]}
        emptyDescription="Datasets appear here once DVC or a hub syncs them or a script records them through /llm-ops/v1."
      />
    </Box>
  );
};
