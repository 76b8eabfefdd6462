import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import ScienceIcon from '@mui/icons-material/Science';
import { llmOpsApi } from './apis';
import {
  datasetEntityCard,
  endpointEntityCard,
  experimentEntityCard,
  modelEntityCard,
  pipelineEntityCard,
} from './entityCards';
import {
  datasetEntityContent,
  endpointEntityContent,
  experimentEntityContent,
  modelEntityContent,
  pipelineEntityContent,
} from './entityContent';
import {
  datasetsSubPage,
  endpointsSubPage,
  experimentsSubPage,
  lineageSubPage,
  llmOpsPage,
  modelsSubPage,
  overviewSubPage,
  pipelinesSubPage,
} from './pages';
import {
  datasetsRouteRef,
  endpointsRouteRef,
  experimentsRouteRef,
  lineageRouteRef,
  modelsRouteRef,
  overviewRouteRef,
  pipelinesRouteRef,
  rootRouteRef,
} from './routes';

/**
 * The LLM Ops frontend plugin: overview, experiments, models, endpoints, datasets, pipelines and
 * lineage under /llm-ops, plus entity content and cards for the llm-ops catalog kinds.
 *
 * @public
 */
export const llmOpsPlugin = createFrontendPlugin({
  pluginId: 'llm-ops',
  title: 'LLM Ops',
  icon: <ScienceIcon fontSize="inherit" />,
  extensions: [
    llmOpsApi,
    llmOpsPage,
    overviewSubPage,
    experimentsSubPage,
    modelsSubPage,
    endpointsSubPage,
    datasetsSubPage,
    pipelinesSubPage,
    lineageSubPage,
    experimentEntityContent,
    modelEntityContent,
    endpointEntityContent,
    datasetEntityContent,
    pipelineEntityContent,
    experimentEntityCard,
    modelEntityCard,
    endpointEntityCard,
    datasetEntityCard,
    pipelineEntityCard,
  ],
  routes: {
    root: rootRouteRef,
    overview: overviewRouteRef,
    experiments: experimentsRouteRef,
    models: modelsRouteRef,
    endpoints: endpointsRouteRef,
    datasets: datasetsRouteRef,
    pipelines: pipelinesRouteRef,
    lineage: lineageRouteRef,
  },
});
