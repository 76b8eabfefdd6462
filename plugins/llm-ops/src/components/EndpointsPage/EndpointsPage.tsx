import { useCallback } from 'react';
import Box from '@mui/material/Box';
import { useApi } from '@backstage/frontend-plugin-api';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { Endpoint, ListQuery } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { AssetTable } from '../AssetTable';
import { RunStatusChip } from '../RunStatusChip';

/** "llama v3 90% · v4 10%": what an endpoint serves. */
export function trafficSummary(endpoint: Endpoint) {
  return (
    endpoint.desired.traffic
      .map(t => `${t.modelName} v${t.version} ${t.percent}%`)
      .join(' · ') || '—'
  );
}

/** /llm-ops/endpoints: serving endpoints, a page at a time from the server. */
export const EndpointsPage = () => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const list = useCallback(
    (query: ListQuery) => api.listEndpoints(query),
    [api],
  );
  const linkTo = useCallback(
    (row: Endpoint) => links.endpoint(row.name),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [links.endpoint],
  );
  return (
    <Box p={3}>
      <AssetTable<Endpoint>
        list={list}
        what="endpoints"
        linkTo={linkTo}
        columns={[
          {
            field: 'state',
            headerName: 'State',
            width: 120,
            renderCell: ({ row }) => (
              <RunStatusChip status={row.observed.state} />
            ),
          },
          {
            field: 'traffic',
            headerName: 'Serving',
            minWidth: 240,
            flex: 1,
            valueGetter: (_v, row) => trafficSummary(row),
          },
          { field: 'runtime', headerName: 'Runtime', width: 110 },
          {
            field: 'url',
            headerName: 'URL',
            width: 220,
            valueGetter: (_v, row) => row.url ?? '—',
          },
        ]}
        emptyDescription="Endpoints appear here once a serving platform syncs them or a script creates them through /llm-ops/v1."
      />
    </Box>
  );
};
