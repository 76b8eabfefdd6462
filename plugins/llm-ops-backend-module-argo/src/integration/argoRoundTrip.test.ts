import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  adminClient,
  describeWithKube,
  kubeconfigCluster,
  kubeconfigPath,
  uniqueName,
} from '../__testUtils__/kube';
import { WORKFLOWS, WORKFLOW_TEMPLATES } from '../workflow/resources';
import { startWithArgo, SwitchableProxy } from './__testUtils__/llmOpsBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15'],
  disableDocker: true,
});

const admin = () => adminClient();

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
        args: ['print("{{inputs.parameters.model}}")'],
      },
    },
  ],
};

async function createTemplate(namespace: string, name: string) {
  await admin().create(WORKFLOW_TEMPLATES, namespace, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name },
    spec: templateSpec,
  });
}

async function cleanUp(namespace: string) {
  const { items } = await admin().list(WORKFLOWS, { namespace });
  for (const item of items) {
    await admin().delete(WORKFLOWS, { namespace, name: item.metadata!.name! });
  }
  const templates = await admin().list(WORKFLOW_TEMPLATES, { namespace });
  for (const item of templates.items) {
    await admin().delete(WORKFLOW_TEMPLATES, {
      namespace,
      name: item.metadata!.name!,
    });
  }
}

/** Polls `read` until `check` accepts what it answered; fails after `timeoutMs`. */
async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(
          value,
        ).slice(0, 2000)}`,
      );
    }
    await new Promise(done => setTimeout(done, 200));
  }
}

/** What the workflow controller writes (with the object: the Workflow CRD has no status subresource). */
function runningStatus(name: string) {
  return {
    metadata: { labels: { 'workflows.argoproj.io/phase': 'Running' } },
    status: {
      phase: 'Running',
      startedAt: '2026-11-26T08:00:00Z',
      finishedAt: null,
      progress: '1/3',
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
          boundaryID: name,
        },
      },
    },
  };
}

describeWithKube(
  'llm-ops pipelines on Argo through the real API server',
  () => {
    it('submits runs as Workflows with labels and parameters, follows their status, and stops and terminates them', async () => {
      const cluster = uniqueName('argo');
      const namespace = uniqueName('pipelines');
      await createTemplate(namespace, 'train');
      const it = await startWithArgo({
        databases,
        databaseId: 'POSTGRES_15',
        clusters: [kubeconfigCluster(cluster, namespace)],
      });
      try {
        const name = uniqueName('train');
        const pipeline = await it.api.post('/pipelines', {
          name,
          runtime: 'argo',
          templateRef: { kind: 'WorkflowTemplate', name: 'train' },
          namespace,
          parameters: { model: 'sklearn', epochs: '3' },
        });
        expect(pipeline.status).toBe(201);

        const submitted = await it.api.post(`/pipelines/${name}/runs`, {
          parameters: { epochs: '10' },
        });
        expect(submitted.status).toBe(201);
        const run = submitted.body.data;
        expect(run).toMatchObject({
          phase: 'Pending',
          parameters: { model: 'sklearn', epochs: '10' },
          source: { integration: `argo:${cluster}` },
        });
        const [workflowNamespace, workflowName] =
          run.source.externalId.split('/');
        expect(workflowNamespace).toBe(namespace);
        expect(workflowName).toMatch(/^train-[a-z0-9]{5}$/);
        const workflow = await admin().get(WORKFLOWS, {
          namespace,
          name: workflowName,
        });
        expect(workflow?.metadata?.labels).toMatchObject({
          'llm-ops/pipeline-id': pipeline.body.data.id,
          'llm-ops/run-id': run.id,
          'app.kubernetes.io/managed-by': 'llm-ops',
          'llm-ops/cluster': cluster,
          'workflows.argoproj.io/workflow-template': 'train',
        });
        expect(workflow?.spec).toEqual({
          workflowTemplateRef: { name: 'train' },
          arguments: {
            parameters: [
              { name: 'model', value: 'sklearn' },
              { name: 'epochs', value: '10' },
            ],
          },
        });

        // The controller runs it; the watch brings phase, progress and nodes.
        await admin().mergePatch(
          WORKFLOWS,
          { namespace, name: workflowName },
          runningStatus(workflowName),
        );
        const running = await eventually(
          async () => (await it.api.get(`/pipeline-runs/${run.id}`)).body.data,
          r => r.phase === 'Running',
          'the run to be Running',
        );
        expect(running).toMatchObject({
          progress: '1/3',
          startedAt: '2026-11-26T08:00:00.000Z',
          finishedAt: null,
        });
        expect(running.nodes.map((n: any) => [n.displayName, n.phase])).toEqual(
          [
            [workflowName, 'Running'],
            ['prepare', 'Succeeded'],
            ['train', 'Running'],
          ],
        );
        expect(running.nodes[1]).toMatchObject({
          type: 'Pod',
          startedAt: '2026-11-26T08:00:01.000Z',
          finishedAt: '2026-11-26T08:00:30.000Z',
        });

        // Stop reaches the Workflow; retry is not possible without an Argo Server.
        const stopped = await it.api.post(`/pipeline-runs/${run.id}/stop`);
        expect(stopped.status).toBe(200);
        expect(
          (await admin().get(WORKFLOWS, { namespace, name: workflowName }))
            ?.spec?.shutdown,
        ).toBe('Stop');
        const retry = await it.api.post(`/pipeline-runs/${run.id}/retry`);
        expect(retry.status).toBe(409);
        expect(retry.body.message).toContain('Argo Server');

        await admin().mergePatch(
          WORKFLOWS,
          { namespace, name: workflowName },
          {
            status: {
              phase: 'Succeeded',
              progress: '3/3',
              finishedAt: '2026-11-26T08:10:00Z',
            },
          },
        );
        const succeeded = await eventually(
          async () => (await it.api.get(`/pipeline-runs/${run.id}`)).body.data,
          r => r.phase === 'Succeeded',
          'the run to succeed',
        );
        expect(succeeded).toMatchObject({
          progress: '3/3',
          finishedAt: '2026-11-26T08:10:00.000Z',
        });
        expect(
          (await it.api.post(`/pipeline-runs/${run.id}/terminate`)).status,
        ).toBe(409);

        // Terminate another run.
        const second = (await it.api.post(`/pipelines/${name}/runs`, {})).body
          .data;
        const secondName = second.source.externalId.split('/')[1];
        expect(
          (await it.api.post(`/pipeline-runs/${second.id}/terminate`)).status,
        ).toBe(200);
        expect(
          (await admin().get(WORKFLOWS, { namespace, name: secondName }))?.spec
            ?.shutdown,
        ).toBe('Terminate');

        // A builtin pipeline has nothing to stop.
        const builtin = uniqueName('manual');
        await it.api.post('/pipelines', { name: builtin, runtime: 'builtin' });
        const manual = (await it.api.post(`/pipelines/${builtin}/runs`, {}))
          .body.data;
        expect(manual.source.integration).toBe('builtin');
        const refused = await it.api.post(`/pipeline-runs/${manual.id}/stop`);
        expect(refused.status).toBe(409);
        expect(refused.body.message).toContain('builtin');

        // A missing template is the API server's answer, and no run is stored.
        const broken = uniqueName('broken');
        await it.api.post('/pipelines', {
          name: broken,
          runtime: 'argo',
          templateRef: { kind: 'WorkflowTemplate', name: 'no-such-template' },
        });
        const missing = await it.api.post(`/pipelines/${broken}/runs`, {});
        expect(missing.status).toBe(404);
        expect(
          (await it.api.get(`/pipelines/${broken}/runs`)).body.data.items,
        ).toEqual([]);
      } finally {
        await it.stop();
        await cleanUp(namespace);
      }
    });

    it('queues submissions for an unreachable cluster and submits them once it is back; runs of two clusters stay apart', async () => {
      const text = readFileSync(kubeconfigPath!, 'utf8');
      const server = /server:\s*(\S+)/.exec(text)![1];
      const target = new URL(server);
      const proxy = new SwitchableProxy({
        host: target.hostname,
        port: Number(target.port),
      });
      await proxy.up();
      const dir = mkdtempSync(join(tmpdir(), 'llm-ops-argo-'));
      const flakyConfig = join(dir, 'flaky.kubeconfig');
      writeFileSync(flakyConfig, text.replace(server, proxy.url));

      const flaky = uniqueName('flaky');
      const steady = uniqueName('steady');
      const flakyNs = uniqueName('ns-f');
      const steadyNs = uniqueName('ns-s');
      await createTemplate(flakyNs, 'train');
      await createTemplate(steadyNs, 'train');
      const it = await startWithArgo({
        databases,
        databaseId: 'POSTGRES_15',
        clusters: [
          {
            name: flaky,
            kubeconfigPath: flakyConfig,
            defaultNamespace: flakyNs,
          },
          kubeconfigCluster(steady, steadyNs),
        ],
      });
      try {
        const onFlaky = uniqueName('p-f');
        const onSteady = uniqueName('p-s');
        for (const [name, cluster] of [
          [onFlaky, flaky],
          [onSteady, steady],
        ]) {
          expect(
            (
              await it.api.post('/pipelines', {
                name,
                runtime: 'argo',
                cluster,
                templateRef: { kind: 'WorkflowTemplate', name: 'train' },
                parameters: { model: 'sklearn' },
              })
            ).status,
          ).toBe(201);
        }
        // A pipeline without a cluster, with two clusters and no default: 400 naming cluster.
        const nowhere = uniqueName('p-n');
        await it.api.post('/pipelines', {
          name: nowhere,
          runtime: 'argo',
          templateRef: { kind: 'WorkflowTemplate', name: 'train' },
        });
        const ambiguous = await it.api.post(`/pipelines/${nowhere}/runs`, {});
        expect(ambiguous.status).toBe(400);
        expect(ambiguous.body.data.error.field).toBe('cluster');

        const steadyRun = (await it.api.post(`/pipelines/${onSteady}/runs`, {}))
          .body.data;
        expect(steadyRun).toMatchObject({
          cluster: steady,
          source: { integration: `argo:${steady}` },
        });
        expect(steadyRun.source.externalId.startsWith(`${steadyNs}/`)).toBe(
          true,
        );

        await proxy.down();
        const queued = await it.api.post(`/pipelines/${onFlaky}/runs`, {
          parameters: { model: 'xgboost' },
        });
        expect(queued.status).toBe(202);
        expect(queued.body.data.outbox).toMatchObject({
          state: 'pending',
          integration: `argo:${flaky}`,
        });
        const pendingRun = queued.body.data.resource;
        expect(pendingRun).toMatchObject({
          phase: 'Pending',
          source: { integration: 'builtin', externalId: null },
        });
        // Stopping it waits in the queue behind its submission.
        expect(
          (await it.api.post(`/pipeline-runs/${pendingRun.id}/stop`)).status,
        ).toBe(202);
        const runs = (await it.api.get(`/pipelines/${onFlaky}/runs`)).body.data;
        expect(runs.freshness).toMatchObject({
          stale: true,
          degradedIntegrations: [{ id: `argo:${flaky}` }],
        });
        expect(runs.items.map((r: any) => r.id)).toEqual([pendingRun.id]);

        await proxy.up();
        await new Promise(done => setTimeout(done, 400));
        await it.relay(`argo:${flaky}`)();
        const submitted = (await it.api.get(`/pipeline-runs/${pendingRun.id}`))
          .body.data;
        expect(submitted.source.integration).toBe(`argo:${flaky}`);
        const [namespace, workflowName] =
          submitted.source.externalId.split('/');
        expect(namespace).toBe(flakyNs);
        const workflow = await admin().get(WORKFLOWS, {
          namespace,
          name: workflowName,
        });
        expect(workflow?.metadata?.labels).toMatchObject({
          'llm-ops/run-id': pendingRun.id,
          'llm-ops/cluster': flaky,
        });
        expect(workflow?.spec?.arguments?.parameters).toEqual([
          { name: 'model', value: 'xgboost' },
        ]);
        expect(workflow?.spec?.shutdown).toBe('Stop');

        // The watch of the flaky cluster comes back too, and brings the run's status.
        await admin().mergePatch(
          WORKFLOWS,
          { namespace, name: workflowName },
          runningStatus(workflowName),
        );
        await eventually(
          async () =>
            (
              await it.api.get(`/pipeline-runs/${pendingRun.id}`)
            ).body.data,
          r => r.phase === 'Running',
          'the replayed run to be Running',
          45_000,
        );
        await it.health(`argo:${flaky}`)();
        expect(
          (await it.api.get(`/pipelines/${onFlaky}/runs`)).body.data.freshness,
        ).toEqual({ stale: false, degradedIntegrations: [] });
      } finally {
        await it.stop();
        await proxy.down();
        rmSync(dir, { recursive: true, force: true });
        await cleanUp(flakyNs);
        await cleanUp(steadyNs);
      }
    });
  },
);
