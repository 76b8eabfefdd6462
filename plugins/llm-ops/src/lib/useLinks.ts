import { useRouteRef } from '@backstage/frontend-plugin-api';
import type { LineageNode, LineageNodeType } from '../api/types';
import {
  datasetRouteRef,
  datasetsRouteRef,
  endpointRouteRef,
  endpointsRouteRef,
  experimentRouteRef,
  experimentsRouteRef,
  lineageNodeRouteRef,
  modelRouteRef,
  modelsRouteRef,
  pipelineRouteRef,
  pipelineRunRouteRef,
  pipelinesRouteRef,
  runRouteRef,
} from '../routes';

function withQuery(path: string | undefined, query: Record<string, string>) {
  if (!path) return undefined;
  const text = new URLSearchParams(query).toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Paths of the plugin's pages, or undefined where the app does not mount them (e.g. on an entity
 * page in an app that left the /llm-ops page out): callers then show plain text instead of a link.
 */
export function useLinks() {
  const experiments = useRouteRef(experimentsRouteRef);
  const experiment = useRouteRef(experimentRouteRef);
  const run = useRouteRef(runRouteRef);
  const models = useRouteRef(modelsRouteRef);
  const model = useRouteRef(modelRouteRef);
  const endpoints = useRouteRef(endpointsRouteRef);
  const endpoint = useRouteRef(endpointRouteRef);
  const datasets = useRouteRef(datasetsRouteRef);
  const dataset = useRouteRef(datasetRouteRef);
  const pipelines = useRouteRef(pipelinesRouteRef);
  const pipeline = useRouteRef(pipelineRouteRef);
  const pipelineRun = useRouteRef(pipelineRunRouteRef);
  const lineageNode = useRouteRef(lineageNodeRouteRef);

  const links = {
    experiments: () => experiments?.(),
    experiment: (name: string, query: Record<string, string> = {}) =>
      withQuery(experiment?.({ name }), query),
    run: (runId: string) => run?.({ runId }),
    models: () => models?.(),
    model: (name: string, version?: string) =>
      withQuery(model?.({ name }), version ? { version } : {}),
    endpoints: () => endpoints?.(),
    endpoint: (name: string) => endpoint?.({ name }),
    datasets: () => datasets?.(),
    dataset: (name: string, version?: string) =>
      withQuery(dataset?.({ name }), version ? { version } : {}),
    pipelines: () => pipelines?.(),
    pipeline: (name: string) => pipeline?.({ name }),
    pipelineRun: (runId: string) => pipelineRun?.({ runId }),
    lineage: (type: LineageNodeType, id: string) => lineageNode?.({ type, id }),
    /** The page of a lineage node; versions link to their asset's page with the version. */
    lineageNode: (node: Pick<LineageNode, 'type' | 'id' | 'label'>) => {
      switch (node.type) {
        case 'experiment':
          return links.experiment(node.label);
        case 'run':
          return links.run(node.id);
        case 'model':
          return links.model(node.label);
        case 'model-version': {
          // Labelled `<model> v<number>` by the backend.
          const at = node.label.lastIndexOf(' v');
          return at > 0
            ? links.model(node.label.slice(0, at), node.label.slice(at + 2))
            : undefined;
        }
        case 'dataset':
          return links.dataset(node.label);
        case 'dataset-version': {
          // Labelled `<dataset>@<label>`; labels never contain '@'.
          const at = node.label.lastIndexOf('@');
          return at > 0
            ? links.dataset(node.label.slice(0, at), node.label.slice(at + 1))
            : undefined;
        }
        case 'endpoint':
          return links.endpoint(node.label);
        case 'pipeline':
          return links.pipeline(node.label);
        case 'pipeline-run':
          return links.pipelineRun(node.id);
        default:
          return undefined;
      }
    },
  };
  return links;
}
