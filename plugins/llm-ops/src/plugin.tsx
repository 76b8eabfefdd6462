import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import ScienceIcon from '@mui/icons-material/Science';
import { rootRouteRef } from './routes';
import { llmOpsApi } from './apis';

export const llmOpsPage = PageBlueprint.make({
  params: {
    path: '/llm-ops',
    title: 'LLM Ops',
    icon: <ScienceIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/OverviewPage').then(m => <m.OverviewPage />),
  },
});

/**
 * The LLM Ops frontend plugin: overview, experiments, models, endpoints, datasets, pipelines.
 *
 * @public
 */
export const llmOpsPlugin = createFrontendPlugin({
  pluginId: 'llm-ops',
  title: 'LLM Ops',
  extensions: [llmOpsApi, llmOpsPage],
  routes: {
    root: rootRouteRef,
  },
});
