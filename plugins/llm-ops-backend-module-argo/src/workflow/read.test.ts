import { gzipSync } from 'node:zlib';
import { toPipelineRunState } from './read';

describe('toPipelineRunState', () => {
  it('reads a Workflow the controller has not picked up yet as Pending', () => {
    expect(
      toPipelineRunState({
        metadata: { name: 'train-abcde', namespace: 'pipelines' },
        spec: { workflowTemplateRef: { name: 'train' } },
      }),
    ).toEqual({
      externalId: 'pipelines/train-abcde',
      name: 'train-abcde',
      namespace: 'pipelines',
      templateName: 'train',
      labels: {},
      parameters: {},
      phase: 'Pending',
      progress: null,
      nodes: [],
      startedAt: null,
      finishedAt: null,
    });
  });

  it('reads the nodes the controller compressed into status.compressedNodes', () => {
    const nodes = {
      'wf-2': {
        id: 'wf-2',
        name: 'wf.train',
        displayName: 'train',
        type: 'Pod',
        phase: 'Failed',
        startedAt: '2026-11-26T08:01:00Z',
        finishedAt: '2026-11-26T08:02:00Z',
        message: 'Error (exit code 1)',
      },
      wf: {
        id: 'wf',
        name: 'wf',
        type: 'DAG',
        phase: 'Failed',
        startedAt: '2026-11-26T08:00:00Z',
      },
    };
    const state = toPipelineRunState(
      {
        metadata: {
          name: 'wf',
          namespace: 'ns',
          labels: { 'workflows.argoproj.io/cluster-workflow-template': 'eval' },
        },
        spec: {
          arguments: {
            parameters: [
              { name: 'n', value: 3 },
              { name: 'd', default: 'x' },
            ],
          },
        },
        status: {
          phase: 'Failed',
          progress: '1/2',
          compressedNodes: gzipSync(JSON.stringify(nodes)).toString('base64'),
          startedAt: '2026-11-26T08:00:00Z',
          finishedAt: '2026-11-26T08:02:00Z',
        },
      },
      { cluster: 'prod', url: 'https://argo/workflows/ns/wf' },
    );
    expect(state).toMatchObject({
      cluster: 'prod',
      url: 'https://argo/workflows/ns/wf',
      templateName: 'eval',
      parameters: { n: '3', d: 'x' },
      phase: 'Failed',
      progress: '1/2',
      startedAt: Date.parse('2026-11-26T08:00:00Z'),
      finishedAt: Date.parse('2026-11-26T08:02:00Z'),
    });
    expect(state.nodes).toEqual([
      {
        id: 'wf',
        name: 'wf',
        displayName: 'wf',
        type: 'DAG',
        phase: 'Failed',
        startedAt: '2026-11-26T08:00:00Z',
      },
      {
        id: 'wf-2',
        name: 'wf.train',
        displayName: 'train',
        type: 'Pod',
        phase: 'Failed',
        startedAt: '2026-11-26T08:01:00Z',
        finishedAt: '2026-11-26T08:02:00Z',
        message: 'Error (exit code 1)',
      },
    ]);
  });

  it('returns no nodes when they are offloaded or unreadable', () => {
    expect(
      toPipelineRunState({
        metadata: { name: 'wf', namespace: 'ns' },
        status: {
          phase: 'Running',
          offloadNodeStatusVersion: 'fnv:1',
          compressedNodes: 'not-gzip',
        },
      }).nodes,
    ).toEqual([]);
  });
});
