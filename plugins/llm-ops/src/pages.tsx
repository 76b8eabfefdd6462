import {
  PageBlueprint,
  SubPageBlueprint,
} from '@backstage/frontend-plugin-api';
import ScienceIcon from '@mui/icons-material/Science';
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

/** /llm-ops: the page whose tabs are the sub-pages below (the first one is the landing tab). */
export const llmOpsPage = PageBlueprint.make({
  params: {
    path: '/llm-ops',
    title: 'LLM Ops',
    icon: <ScienceIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
  },
});

export const overviewSubPage = SubPageBlueprint.make({
  name: 'overview',
  params: {
    path: 'overview',
    title: 'Overview',
    routeRef: overviewRouteRef,
    loader: () =>
      import('./components/OverviewPage').then(m => <m.OverviewPage />),
  },
});

export const experimentsSubPage = SubPageBlueprint.make({
  name: 'experiments',
  params: {
    path: 'experiments',
    title: 'Experiments',
    routeRef: experimentsRouteRef,
    loader: () =>
      import('./components/Routers').then(m => <m.ExperimentsRouter />),
  },
});

export const modelsSubPage = SubPageBlueprint.make({
  name: 'models',
  params: {
    path: 'models',
    title: 'Models',
    routeRef: modelsRouteRef,
    loader: () => import('./components/Routers').then(m => <m.ModelsRouter />),
  },
});

export const endpointsSubPage = SubPageBlueprint.make({
  name: 'endpoints',
  params: {
    path: 'endpoints',
    title: 'Endpoints',
    routeRef: endpointsRouteRef,
    loader: () =>
      import('./components/Routers').then(m => <m.EndpointsRouter />),
  },
});

export const datasetsSubPage = SubPageBlueprint.make({
  name: 'datasets',
  params: {
    path: 'datasets',
    title: 'Datasets',
    routeRef: datasetsRouteRef,
    loader: () =>
      import('./components/Routers').then(m => <m.DatasetsRouter />),
  },
});

export const pipelinesSubPage = SubPageBlueprint.make({
  name: 'pipelines',
  params: {
    path: 'pipelines',
    title: 'Pipelines',
    routeRef: pipelinesRouteRef,
    loader: () =>
      import('./components/Routers').then(m => <m.PipelinesRouter />),
  },
});

export const lineageSubPage = SubPageBlueprint.make({
  name: 'lineage',
  params: {
    path: 'lineage',
    title: 'Lineage',
    routeRef: lineageRouteRef,
    loader: () => import('./components/Routers').then(m => <m.LineageRouter />),
  },
});
