import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';
import type {
  Dataset,
  DatasetVersion,
  Endpoint,
  Experiment,
  Model,
  Pipeline,
  PipelineRun,
  Run,
} from '../../api/types';
import type { LlmOpsKind } from '../../annotations';

export type EntitySummary =
  | { kind: 'experiment'; asset: Experiment; runs: Run[]; more: boolean }
  | { kind: 'model'; asset: Model }
  | { kind: 'endpoint'; asset: Endpoint }
  | { kind: 'dataset'; asset: Dataset; latest?: DatasetVersion }
  | { kind: 'pipeline'; asset: Pipeline; runs: PipelineRun[] };

/** What an entity card shows about its llm-ops resource: the asset and its latest activity. */
export function useEntitySummary(
  kind: LlmOpsKind | undefined,
  id: string | undefined,
) {
  const api = useApi(llmOpsApiRef);
  return useAsync(async (): Promise<EntitySummary | undefined> => {
    if (!kind || !id) return undefined;
    switch (kind) {
      case 'experiment': {
        const asset = await api.getExperiment(id);
        const page = await api.searchRuns({
          experimentIds: [asset.id],
          orderBy: ['attributes.start_time DESC'],
          pageSize: 5,
        });
        return { kind, asset, runs: page.items, more: !!page.nextCursor };
      }
      case 'model':
        return { kind, asset: await api.getModel(id) };
      case 'endpoint':
        return { kind, asset: await api.getEndpoint(id) };
      case 'dataset': {
        const asset = await api.getDataset(id);
        const versions = await api.listDatasetVersions(asset.id, {
          pageSize: 1,
        });
        return { kind, asset, latest: versions.items[0] };
      }
      case 'pipeline': {
        const asset = await api.getPipeline(id);
        const runs = await api.listPipelineRuns(asset.id, { pageSize: 5 });
        return { kind, asset, runs: runs.items };
      }
      default:
        return undefined;
    }
  }, [api, kind, id]);
}
