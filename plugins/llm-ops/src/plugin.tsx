import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/llm-ops',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const llmOpsPlugin = createFrontendPlugin({
  pluginId: 'llm-ops',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
