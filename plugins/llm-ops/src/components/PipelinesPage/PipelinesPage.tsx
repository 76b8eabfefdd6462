import { useCallback } from 'react';
import Box from '@mui/material/Box';
import { useApi } from '@backstage/frontend-plugin-api';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { ListQuery, Pipeline } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { AssetTable } from '../AssetTable';

/** /llm-ops/pipelines: pipelines, a page at a time from the server. */
export const PipelinesPage = () => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const list = useCallback(
    (query: ListQuery) => api.listPipelines(query),
    [api],
  );
  const linkTo = useCallback(
    (row: Pipeline) => links.pipeline(row.name),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [links.pipeline],
  );
  return (
    <Box p={3}>
      <AssetTable<Pipeline>
        list={list}
        what="pipelines"
        linkTo={linkTo}
        columns={[
          { field: 'runtime', headerName: 'Runtime', width: 110 },
          {
            field: 'templateRef',
            headerName: 'Template',
            width: 240,
            valueGetter: (_v, row) =>
              row.templateRef
                ? `${row.templateRef.kind}/${row.templateRef.name}`
                : '—',
          },
        ]}
        emptyDescription="Pipelines appear here once Argo syncs them or a script creates them through /llm-ops/v1."
      />
    </Box>
  );
};
