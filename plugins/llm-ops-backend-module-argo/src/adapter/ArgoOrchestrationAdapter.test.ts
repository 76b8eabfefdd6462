import type {
  OrchestrationAdapter,
  PipelineRunState,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  KubernetesAdapterError,
  KubernetesApiError,
  KubernetesClusterClient,
  KubernetesRequestError,
} from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
import {
  adminClient,
  closedPort,
  describeWithKube,
  kubeconfigCluster,
  rejection,
  uniqueName,
  waitFor,
} from '../__testUtils__/kube';
import {
  CLUSTER_WORKFLOW_TEMPLATES,
  WORKFLOWS,
  WORKFLOW_TEMPLATES,
} from '../workflow/resources';
import { ArgoOrchestrationAdapter } from './ArgoOrchestrationAdapter';

jest.setTimeout(60_000);

/** A template spec with parameters, as a team would write it. */
const templateSpec = {
  entrypoint: 'main',
  arguments: {
    parameters: [
      { name: 'model', value: 'sklearn' },
      { name: 'epochs', value: '3' },
    ],
  },
  templates: [
    {
      name: 'main',
      inputs: { parameters: [{ name: 'model' }, { name: 'epochs' }] },
      container: {
        image: 'python:3.12-slim',
        command: ['python', '-c'],
        args: [
          'print("training {{inputs.parameters.model}} for {{inputs.parameters.epochs}} epochs")',
        ],
      },
    },
  ],
};

describeWithKube('ArgoOrchestrationAdapter against a real API server', () => {
  const admin = adminClient();
  const clusterName = uniqueName('argo');
  const namespace = uniqueName('pipelines');
  const clusterTemplate = uniqueName('eval');
  const adapter = new ArgoOrchestrationAdapter({
    client: KubernetesClusterClient.fromCluster(
      kubeconfigCluster(clusterName, namespace),
    ),
  });
  const workflow = (name: string) => admin.get(WORKFLOWS, { namespace, name });
  /** Writes status like the workflow controller: with the object (no status subresource). */
  const writeStatus = (name: string, patch: object) =>
    admin.mergePatch(WORKFLOWS, { namespace, name }, patch);

  beforeAll(async () => {
    await admin.create(WORKFLOW_TEMPLATES, namespace, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTemplate',
      metadata: { name: 'train' },
      spec: templateSpec,
    });
    await admin.create(CLUSTER_WORKFLOW_TEMPLATES, undefined, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ClusterWorkflowTemplate',
      metadata: { name: clusterTemplate },
      spec: templateSpec,
    });
  });

  afterAll(async () => {
    // The etcd data outlives the run: leave nothing behind.
    const { items } = await admin.list(WORKFLOWS, { namespace });
    for (const item of items) {
      await admin.delete(WORKFLOWS, { namespace, name: item.metadata!.name! });
    }
    await admin.delete(WORKFLOW_TEMPLATES, { namespace, name: 'train' });
    await admin.delete(CLUSTER_WORKFLOW_TEMPLATES, { name: clusterTemplate });
  });

  it('works with templates the real CRD validated', async () => {
    const invalid = await rejection(
      admin.create(WORKFLOW_TEMPLATES, namespace, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'WorkflowTemplate',
        metadata: { name: 'invalid' },
        spec: { ...templateSpec, arguments: { parameters: 'model=x' } },
      }),
    );
    expect(invalid).toBeInstanceOf(KubernetesApiError);
    expect(invalid.status).toBe(422);
    expect(
      await admin.get(WORKFLOW_TEMPLATES, { namespace, name: 'train' }),
    ).toBeDefined();
  });

  it('submits from a WorkflowTemplate with parameter overrides and labels', async () => {
    const ref = await adapter.submit({
      templateRef: { kind: 'WorkflowTemplate', name: 'train' },
      parameters: { epochs: '10', model: 'xgboost' },
      labels: { 'llm-ops/pipeline-id': 'p-1', 'llm-ops/run-id': 'r-1' },
    });
    expect(ref.name).toMatch(/^train-[a-z0-9]{5}$/);
    expect(ref.externalId).toBe(`${namespace}/${ref.name}`);

    const stored = await workflow(ref.name);
    expect(stored?.spec).toEqual({
      workflowTemplateRef: { name: 'train' },
      arguments: {
        parameters: [
          { name: 'epochs', value: '10' },
          { name: 'model', value: 'xgboost' },
        ],
      },
    });
    expect(stored?.metadata?.labels).toEqual({
      'llm-ops/pipeline-id': 'p-1',
      'llm-ops/run-id': 'r-1',
      'workflows.argoproj.io/workflow-template': 'train',
      'app.kubernetes.io/managed-by': 'llm-ops',
      'llm-ops/cluster': clusterName,
    });

    expect(await adapter.get({ name: ref.name })).toEqual({
      externalId: ref.externalId,
      name: ref.name,
      cluster: clusterName,
      namespace,
      templateName: 'train',
      labels: stored?.metadata?.labels,
      parameters: { epochs: '10', model: 'xgboost' },
      phase: 'Pending',
      progress: null,
      nodes: [],
      startedAt: null,
      finishedAt: null,
    });
  });

  it('submits from a ClusterWorkflowTemplate with clusterScope', async () => {
    const ref = await adapter.submit({
      templateRef: { kind: 'ClusterWorkflowTemplate', name: clusterTemplate },
      parameters: { model: 'lightgbm' },
      labels: { 'llm-ops/run-id': 'r-2' },
    });
    const stored = await workflow(ref.name);
    expect(stored?.metadata?.generateName).toBe(`${clusterTemplate}-`);
    expect(stored?.spec.workflowTemplateRef).toEqual({
      name: clusterTemplate,
      clusterScope: true,
    });
    expect(
      stored?.metadata?.labels?.[
        'workflows.argoproj.io/cluster-workflow-template'
      ],
    ).toBe(clusterTemplate);
    expect((await adapter.get({ name: ref.name }))?.templateName).toBe(
      clusterTemplate,
    );
  });

  it('refuses a missing template (404) and malformed labels (400), creating nothing', async () => {
    const before = (await admin.list(WORKFLOWS, { namespace })).items.length;
    const missing = await rejection(
      adapter.submit({
        templateRef: { kind: 'WorkflowTemplate', name: 'no-such-template' },
        parameters: {},
        labels: {},
      }),
    );
    expect(missing).toBeInstanceOf(KubernetesAdapterError);
    expect(missing.status).toBe(404);
    const badLabel = await rejection(
      adapter.submit({
        templateRef: { kind: 'WorkflowTemplate', name: 'train' },
        parameters: {},
        labels: { 'llm-ops/run-id': 'has spaces, and a comma' },
      }),
    );
    expect(badLabel.status).toBe(400);
    expect((await admin.list(WORKFLOWS, { namespace })).items).toHaveLength(
      before,
    );
  });

  it('maps the status the Argo controller writes, through get() and watch()', async () => {
    const { name } = await adapter.submit({
      templateRef: { kind: 'WorkflowTemplate', name: 'train' },
      parameters: { epochs: '5' },
      labels: { 'llm-ops/run-id': 'r-3' },
    });
    const changes: Array<{ state: PipelineRunState; deleted: boolean }> = [];
    const controller = new AbortController();
    const watching = adapter.watch(
      (state, deleted) => changes.push({ state, deleted }),
      controller.signal,
    );
    await waitFor(
      () => changes.find(c => c.state.name === name),
      'the initial report',
    );

    await writeStatus(name, {
      metadata: {
        labels: {
          'workflows.argoproj.io/phase': 'Running',
          'workflows.argoproj.io/completed': 'false',
        },
      },
      status: {
        phase: 'Running',
        startedAt: '2026-11-26T08:00:00Z',
        finishedAt: null,
        progress: '1/3',
        storedWorkflowTemplateSpec: templateSpec,
        nodes: {
          [name]: {
            id: name,
            name,
            displayName: name,
            type: 'Steps',
            templateName: 'main',
            phase: 'Running',
            startedAt: '2026-11-26T08:00:00Z',
            finishedAt: null,
            progress: '1/3',
            children: [`${name}-1`],
          },
          [`${name}-1`]: {
            id: `${name}-1`,
            name: `${name}[0].prepare`,
            displayName: 'prepare',
            type: 'Pod',
            templateName: 'main',
            phase: 'Succeeded',
            startedAt: '2026-11-26T08:00:01Z',
            finishedAt: '2026-11-26T08:00:30Z',
            progress: '1/1',
            boundaryID: name,
          },
          [`${name}-2`]: {
            id: `${name}-2`,
            name: `${name}[1].train`,
            displayName: 'train',
            type: 'Pod',
            templateName: 'main',
            phase: 'Running',
            startedAt: '2026-11-26T08:00:31Z',
            finishedAt: null,
            message: 'ContainerCreating',
            boundaryID: name,
          },
        },
      },
    });

    const expected: PipelineRunState = {
      externalId: `${namespace}/${name}`,
      name,
      cluster: clusterName,
      namespace,
      templateName: 'train',
      labels: {
        'llm-ops/run-id': 'r-3',
        'workflows.argoproj.io/workflow-template': 'train',
        'app.kubernetes.io/managed-by': 'llm-ops',
        'llm-ops/cluster': clusterName,
        'workflows.argoproj.io/phase': 'Running',
        'workflows.argoproj.io/completed': 'false',
      },
      // The template's defaults, overridden by the run's own.
      parameters: { model: 'sklearn', epochs: '5' },
      phase: 'Running',
      progress: '1/3',
      nodes: [
        {
          id: name,
          name,
          displayName: name,
          type: 'Steps',
          phase: 'Running',
          startedAt: '2026-11-26T08:00:00Z',
        },
        {
          id: `${name}-1`,
          name: `${name}[0].prepare`,
          displayName: 'prepare',
          type: 'Pod',
          phase: 'Succeeded',
          startedAt: '2026-11-26T08:00:01Z',
          finishedAt: '2026-11-26T08:00:30Z',
        },
        {
          id: `${name}-2`,
          name: `${name}[1].train`,
          displayName: 'train',
          type: 'Pod',
          phase: 'Running',
          startedAt: '2026-11-26T08:00:31Z',
          message: 'ContainerCreating',
        },
      ],
      startedAt: Date.parse('2026-11-26T08:00:00Z'),
      finishedAt: null,
    };
    const watched = await waitFor(
      () =>
        changes.find(c => c.state.name === name && c.state.phase === 'Running'),
      'the watch to report Running',
    );
    expect(watched).toEqual({ state: expected, deleted: false });
    expect(await adapter.get({ name })).toEqual(expected);

    await writeStatus(name, {
      status: {
        phase: 'Succeeded',
        progress: '3/3',
        finishedAt: '2026-11-26T08:10:00Z',
      },
    });
    const done = await waitFor(
      () =>
        changes.find(
          c => c.state.name === name && c.state.phase === 'Succeeded',
        ),
      'the watch to report Succeeded',
    );
    expect(done.state.finishedAt).toBe(Date.parse('2026-11-26T08:10:00Z'));
    expect(done.state.progress).toBe('3/3');

    await admin.delete(WORKFLOWS, { namespace, name });
    await waitFor(
      () => changes.find(c => c.state.name === name && c.deleted),
      'the watch to report the deletion',
    );
    controller.abort();
    await expect(watching).resolves.toBeUndefined();
  });

  it('stops and terminates through spec.shutdown, as the controller expects', async () => {
    const submit = () =>
      adapter.submit({
        templateRef: { kind: 'WorkflowTemplate', name: 'train' },
        parameters: {},
        labels: {},
      });
    const toStop = await submit();
    const toTerminate = await submit();
    await writeStatus(toStop.name, { status: { phase: 'Running' } });

    await adapter.stop({ name: toStop.name });
    await adapter.terminate({ name: toTerminate.name });
    expect((await workflow(toStop.name))?.spec.shutdown).toBe('Stop');
    expect((await workflow(toTerminate.name))?.spec.shutdown).toBe('Terminate');

    // The controller then fails it; stopping again is harmless.
    await writeStatus(toStop.name, { status: { phase: 'Failed' } });
    await expect(adapter.stop({ name: toStop.name })).resolves.toBeUndefined();

    // A Workflow that completed on its own cannot be shut down, as in Argo.
    const finished = await submit();
    await writeStatus(finished.name, { status: { phase: 'Succeeded' } });
    const completed = await rejection(adapter.stop({ name: finished.name }));
    expect(completed.status).toBe(409);
    expect((await workflow(finished.name))?.spec.shutdown).toBeUndefined();

    expect(
      (await rejection(adapter.terminate({ name: 'no-such-workflow' }))).status,
    ).toBe(404);

    await admin.create(WORKFLOWS, namespace, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'not-ours' },
      spec: { workflowTemplateRef: { name: 'train' } },
    });
    expect(
      (await rejection(adapter.terminate({ name: 'not-ours' }))).status,
    ).toBe(409);
    expect((await workflow('not-ours'))?.spec.shutdown).toBeUndefined();
  });

  it('does not offer retry: Argo retries only through its server', () => {
    expect(adapter.capabilities.has('retry')).toBe(false);
    expect((adapter as OrchestrationAdapter).retry).toBeUndefined();
    expect([...adapter.capabilities].sort()).toEqual([
      'stop',
      'terminate',
      'watch',
    ]);
  });

  it('is healthy, and gets undefined for a Workflow that does not exist', async () => {
    expect((await adapter.checkHealth()).state).toBe('up');
    expect(await adapter.get({ name: 'no-such-workflow' })).toBeUndefined();
  });

  it('reports an unreachable cluster as an error without a 4xx status', async () => {
    const port = await closedPort();
    const unreachable = new ArgoOrchestrationAdapter({
      client: KubernetesClusterClient.fromCluster({
        name: 'unreachable',
        url: `https://127.0.0.1:${port}`,
        token: 'unused',
      }),
    });
    for (const call of [
      () =>
        unreachable.submit({
          templateRef: { kind: 'WorkflowTemplate', name: 'train' },
          parameters: {},
          labels: {},
        }),
      () => unreachable.get({ name: 'x' }),
      () => unreachable.stop({ name: 'x' }),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(KubernetesRequestError);
      expect(error.status).toBeUndefined();
    }
    expect((await unreachable.checkHealth()).state).toBe('down');
  });
});
