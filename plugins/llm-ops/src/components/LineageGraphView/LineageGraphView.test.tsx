import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { LineageGraph } from '../../api/types';
import {
  lineageRouteRef,
  modelsRouteRef,
  endpointsRouteRef,
} from '../../routes';
import { LineageGraphView } from './LineageGraphView';
import { layoutLineage } from './layout';

const graph: LineageGraph = {
  root: 'ep',
  nodes: [
    {
      type: 'endpoint',
      id: 'ep',
      label: 'chat',
      direction: 'root',
      distance: 0,
    },
    {
      type: 'model-version',
      id: 'mv',
      label: 'llama v3',
      direction: 'upstream',
      distance: 1,
    },
    {
      type: 'run',
      id: 'r1',
      label: 'run-1',
      direction: 'upstream',
      distance: 2,
    },
    {
      type: 'dataset-version',
      id: 'dv',
      label: 'corpus@2024-06',
      direction: 'upstream',
      distance: 3,
    },
  ],
  edges: [
    { from: 'dv', to: 'r1', relation: 'used' },
    { from: 'r1', to: 'mv', relation: 'produced' },
    { from: 'mv', to: 'ep', relation: 'serves' },
  ],
};

describe('LineageGraphView', () => {
  it('puts upstream on the left and the root last here', () => {
    const layout = layoutLineage(graph);
    const column = (id: string) => layout.nodes.find(n => n.id === id)!.column;
    expect([column('dv'), column('r1'), column('mv'), column('ep')]).toEqual([
      -3, -2, -1, 0,
    ]);
    expect(layout.columns).toBe(4);
  });

  it('links each node to its page', async () => {
    await renderInTestApp(<LineageGraphView graph={graph} />, {
      mountedRoutes: {
        '/llm-ops/models': modelsRouteRef,
        '/llm-ops/endpoints': endpointsRouteRef,
        '/llm-ops/lineage': lineageRouteRef,
      },
    });
    expect(screen.getAllByTestId('llm-ops-lineage-node')).toHaveLength(4);
    expect(screen.getByText('llama v3').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/models/llama?version=3',
    );
    expect(screen.getByText('chat').closest('a')).toHaveAttribute(
      'href',
      '/llm-ops/endpoints/chat',
    );
    // The run page is not mounted in this app: plain text.
    expect(screen.getByText('run-1').closest('a')).toBeNull();
  });

  it('shows a node the caller may not read as hidden, without a link', async () => {
    // What the backend sends for a node outside the caller's permissions (see the plugin's
    // README): no name, no real id; the edges keep the graph connected.
    const withHidden: LineageGraph = {
      ...graph,
      nodes: graph.nodes.map(n =>
        n.id === 'mv'
          ? { ...n, type: 'hidden', id: 'hidden-1', label: 'hidden' }
          : n,
      ),
      edges: [
        { from: 'dv', to: 'r1', relation: 'used' },
        { from: 'r1', to: 'hidden-1', relation: 'produced' },
        { from: 'hidden-1', to: 'ep', relation: 'serves' },
      ],
    };
    await renderInTestApp(<LineageGraphView graph={withHidden} />, {
      mountedRoutes: {
        '/llm-ops/models': modelsRouteRef,
        '/llm-ops/endpoints': endpointsRouteRef,
        '/llm-ops/lineage': lineageRouteRef,
      },
    });
    expect(screen.getAllByTestId('llm-ops-lineage-node')).toHaveLength(4);
    expect(screen.getByText('Hidden')).toBeInTheDocument();
    expect(screen.getByText('hidden').closest('a')).toBeNull();
    expect(screen.queryByText('llama v3')).toBeNull();
  });
});
