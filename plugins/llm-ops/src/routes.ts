import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The /llm-ops page; its tabs are the sub-pages below. */
export const rootRouteRef = createRouteRef();

export const overviewRouteRef = createRouteRef();

export const experimentsRouteRef = createRouteRef();
export const experimentRouteRef = createSubRouteRef({
  parent: experimentsRouteRef,
  path: '/:name',
});
export const runRouteRef = createSubRouteRef({
  parent: experimentsRouteRef,
  path: '/runs/:runId',
});

export const modelsRouteRef = createRouteRef();
export const modelRouteRef = createSubRouteRef({
  parent: modelsRouteRef,
  path: '/:name',
});

export const endpointsRouteRef = createRouteRef();
export const endpointRouteRef = createSubRouteRef({
  parent: endpointsRouteRef,
  path: '/:name',
});

export const datasetsRouteRef = createRouteRef();
export const datasetRouteRef = createSubRouteRef({
  parent: datasetsRouteRef,
  path: '/:name',
});

export const pipelinesRouteRef = createRouteRef();
export const pipelineRouteRef = createSubRouteRef({
  parent: pipelinesRouteRef,
  path: '/:name',
});
export const pipelineRunRouteRef = createSubRouteRef({
  parent: pipelinesRouteRef,
  path: '/runs/:runId',
});

export const lineageRouteRef = createRouteRef();
export const lineageNodeRouteRef = createSubRouteRef({
  parent: lineageRouteRef,
  path: '/:type/:id',
});
