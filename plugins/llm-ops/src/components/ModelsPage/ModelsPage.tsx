import { useCallback } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import { useApi } from '@backstage/frontend-plugin-api';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type { ListQuery, Model } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { AssetTable } from '../AssetTable';

/** /llm-ops/models: registered models, a page at a time from the server. */
export const ModelsPage = () => {
  const api = useApi(llmOpsApiRef);
  const links = useLinks();
  const list = useCallback((query: ListQuery) => api.listModels(query), [api]);
  const linkTo = useCallback(
    (row: Model) => links.model(row.name),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [links.model],
  );
  return (
    <Box p={3}>
      <AssetTable<Model>
        list={list}
        what="models"
        linkTo={linkTo}
        columns={[
          {
            field: 'latestVersion',
            headerName: 'Latest version',
            width: 130,
            valueGetter: (_v, row) => row.latestVersion ?? '—',
          },
          {
            field: 'aliases',
            headerName: 'Aliases',
            width: 220,
            renderCell: ({ row }) => (
              <Stack direction="row" spacing={0.5}>
                {Object.entries(row.aliases).map(([alias, version]) => (
                  <Chip
                    key={alias}
                    size="small"
                    label={`${alias} → v${version}`}
                  />
                ))}
              </Stack>
            ),
          },
        ]}
        emptyDescription="Models appear here once a registry syncs them or a script registers them through /llm-ops/v1."
      />
    </Box>
  );
};
