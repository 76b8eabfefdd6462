import type { KubernetesObject } from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
import {
  actionContext,
  checkpointStore,
  createTestDatabases,
  entityFor,
  type LlmOpsTestBackend,
} from '../__testUtils__/llmOpsBackend';
import {
  adminClient,
  describeWithKube,
  eventually,
  kubeName,
  startLlmOpsOnKube,
  WORKFLOWS,
  WORKFLOW_TEMPLATES,
} from '../__testUtils__/kube';
import { createPipelineSubmitAction } from './pipelineSubmit';

jest.setTimeout(120_000);

/*
 * llm-ops:pipeline:submit end to end: the llm-ops backend with its Argo module creates each run
 * as a Workflow on the real Kubernetes API server (with Argo's CRDs). There is no workflow
 * controller on the test server, so a Workflow never runs: where the action waits for the run,
 * the test writes the status the controller would (Running, then Succeeded or Failed) into the
 * Workflow through the API server, and llm-ops' watch brings it to the run the action polls.
 */

const databases = createTestDatabases();
// The production engine when it is there; the cluster path does not depend on the database.
const databaseId = databases.supports('POSTGRES_15')
  ? 'POSTGRES_15'
  : 'SQLITE_3';

const TEMPLATE = 'llm-finetune';

/** A WorkflowTemplate like the one the "Fine-tune an LLM" template's pipeline points at. */
const workflowTemplate = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: TEMPLATE },
  spec: {
    entrypoint: 'main',
    arguments: {
      parameters: [
        { name: 'dataset' },
        { name: 'epochs', value: '3' },
        { name: 'learningRate', value: '0.0001' },
      ],
    },
    templates: [
      {
        name: 'main',
        container: { image: 'python:3.12-slim', command: ['python', '-V'] },
      },
    ],
  },
};

/** A node of a Workflow's status as the controller writes it. */
const podNode = (workflow: string, step: string, phase: string) => ({
  id: `${workflow}-${step}`,
  name: `${workflow}.${step}`,
  displayName: step,
  type: 'Pod',
  templateName: 'main',
  phase,
  startedAt: '2026-11-26T08:00:00Z',
  finishedAt: phase === 'Running' ? null : '2026-11-26T08:05:00Z',
  ...(phase === 'Failed' ? { message: 'CUDA out of memory' } : {}),
});

describeWithKube(
  'llm-ops:pipeline:submit against llm-ops with Argo on the real API server',
  () => {
    const cluster = kubeName('scaff-argo');
    const namespace = kubeName('scaff-pipelines');
    let llmOps: LlmOpsTestBackend;
    let action: ReturnType<typeof createPipelineSubmitAction>;

    beforeAll(async () => {
      await adminClient().create(
        WORKFLOW_TEMPLATES,
        namespace,
        workflowTemplate,
      );
      llmOps = await startLlmOpsOnKube({
        knex: await databases.init(databaseId),
        cluster,
        defaultNamespace: namespace,
      });
      action = createPipelineSubmitAction(llmOps.actionOptions);
    });

    afterAll(() => llmOps?.stop());

    /** An argo pipeline on the template, with the template's parameters and defaults. */
    const newPipeline = async () => {
      const name = kubeName('finetune');
      const pipeline = await llmOps.api.post('/v1/pipelines', {
        name,
        runtime: 'argo',
        cluster,
        namespace,
        templateRef: { kind: 'WorkflowTemplate', name: TEMPLATE },
        parameters: { dataset: '', epochs: '3', learningRate: '0.0001' },
      });
      return { name, id: pipeline.id as string };
    };

    /** The Workflows llm-ops created for runs of a pipeline. */
    const workflowsOf = async (pipelineId: string) =>
      (
        await adminClient().list(WORKFLOWS, {
          namespace,
          labelSelector: `llm-ops/pipeline-id=${pipelineId}`,
        })
      ).items;

    /** Writes the status into the Workflow, as the Argo controller would (no status subresource). */
    const controllerWrites = (workflow: KubernetesObject, status: object) =>
      adminClient().mergePatch(
        WORKFLOWS,
        { namespace, name: workflow.metadata!.name! },
        { status },
      );

    it('creates a Workflow on the template with the parameters, labelled with the pipeline and the run', async () => {
      const pipeline = await newPipeline();
      const dataset = await llmOps.api.post('/v1/datasets', {
        name: kubeName('tickets'),
      });
      // Picked in the catalog: the action passes their llm-ops names on.
      llmOps.entities.push(
        entityFor('Pipeline', pipeline),
        entityFor('Dataset', dataset),
      );
      const { ctx, outputs } = actionContext({
        pipeline: `pipeline:default/${pipeline.name}`,
        runName: `${pipeline.name}-1`,
        parameters: { epochs: 5, learningRate: 0.0002 },
        assetParameters: {
          dataset: `dataset:default/${dataset.name}`,
        },
      });
      await action.handler(ctx);

      const [workflow, ...others] = await workflowsOf(pipeline.id);
      expect(others).toEqual([]);
      expect(workflow.metadata?.name).toMatch(
        new RegExp(`^${TEMPLATE}-[a-z0-9]{5}$`),
      );
      expect(workflow.metadata?.labels).toMatchObject({
        'llm-ops/pipeline-id': pipeline.id,
        'llm-ops/run-id': outputs.runId,
        'app.kubernetes.io/managed-by': 'llm-ops',
        'llm-ops/cluster': cluster,
        'workflows.argoproj.io/workflow-template': TEMPLATE,
      });
      expect(workflow.spec).toEqual({
        workflowTemplateRef: { name: TEMPLATE },
        arguments: {
          parameters: expect.arrayContaining([
            { name: 'dataset', value: dataset.name },
            { name: 'epochs', value: '5' },
            { name: 'learningRate', value: '0.0002' },
          ]),
        },
      });
      expect(workflow.spec?.arguments?.parameters).toHaveLength(3);

      const run = await llmOps.api.get(`/v1/pipeline-runs/${outputs.runId}`);
      expect(run.source).toMatchObject({
        integration: `argo:${cluster}`,
        externalId: `${namespace}/${workflow.metadata?.name}`,
      });
      expect(outputs).toEqual({
        runId: run.id,
        runName: `${pipeline.name}-1`,
        pipelineId: pipeline.id,
        pipelineName: pipeline.name,
        phase: 'Pending',
        entityRef: `pipeline:default/${pipeline.name}`,
        catalogUrl: `/catalog/default/pipeline/${pipeline.name}`,
      });
    });

    it('waits for the run, logging the progress the Workflow reports, until it succeeds', async () => {
      const pipeline = await newPipeline();
      const { ctx, outputs, lines } = actionContext({
        pipeline: pipeline.name,
        parameters: { epochs: 1 },
        waitForCompletion: true,
        timeoutSeconds: 60,
        pollIntervalSeconds: 1,
      });
      const waiting = action.handler(ctx);

      // Plays the workflow controller, which the test API server does not run.
      const [workflow] = await eventually(
        () => workflowsOf(pipeline.id),
        items => items.length === 1,
        'the Workflow to be created',
      );
      const name = workflow.metadata!.name!;
      await controllerWrites(workflow, {
        phase: 'Running',
        startedAt: '2026-11-26T08:00:00Z',
        progress: '1/2',
        nodes: {
          [`${name}-prepare`]: podNode(name, 'prepare', 'Succeeded'),
          [`${name}-train`]: podNode(name, 'train', 'Running'),
        },
      });
      await eventually(
        async () => lines,
        logged => logged.some(l => l.includes(': Running, 1/2 steps done')),
        'the action to log the running Workflow',
      );
      await controllerWrites(workflow, {
        phase: 'Succeeded',
        progress: '2/2',
        finishedAt: '2026-11-26T08:10:00Z',
        nodes: {
          [`${name}-prepare`]: podNode(name, 'prepare', 'Succeeded'),
          [`${name}-train`]: podNode(name, 'train', 'Succeeded'),
        },
      });
      await waiting;

      expect(outputs).toMatchObject({ phase: 'Succeeded', progress: '2/2' });
      const progress = lines.filter(l => l.startsWith('info: Pipeline run'));
      expect(progress).toEqual(
        expect.arrayContaining([
          `info: Pipeline run '${outputs.runName}': Running, 1/2 steps done (prepare: Succeeded, train: Running)`,
          `info: Pipeline run '${outputs.runName}': Succeeded, 2/2 steps done (prepare: Succeeded, train: Succeeded)`,
        ]),
      );
    });

    it('fails the step, naming the failed node, when the Workflow fails', async () => {
      const pipeline = await newPipeline();
      const { ctx, outputs } = actionContext({
        pipeline: pipeline.name,
        waitForCompletion: true,
        timeoutSeconds: 60,
        pollIntervalSeconds: 1,
      });
      const waiting = action.handler(ctx);
      const [workflow] = await eventually(
        () => workflowsOf(pipeline.id),
        items => items.length === 1,
        'the Workflow to be created',
      );
      const name = workflow.metadata!.name!;
      await controllerWrites(workflow, {
        phase: 'Failed',
        progress: '1/2',
        finishedAt: '2026-11-26T08:10:00Z',
        nodes: {
          [`${name}-prepare`]: podNode(name, 'prepare', 'Succeeded'),
          [`${name}-train`]: podNode(name, 'train', 'Failed'),
        },
      });
      await expect(waiting).rejects.toThrow(
        /ended Failed \(train: CUDA out of memory\)/,
      );
      expect(outputs).toMatchObject({ phase: 'Failed' });
    });

    it('a retried task creates no second Workflow, with or without its checkpoints', async () => {
      const pipeline = await newPipeline();
      const input = { pipeline: pipeline.name, parameters: { epochs: 2 } };
      const taskId = `task-${pipeline.name}`;
      const checkpoints = checkpointStore();
      const first = actionContext(input, { taskId, checkpoints });
      await action.handler(first.ctx);

      const retried = actionContext(input, { taskId, checkpoints });
      await action.handler(retried.ctx);
      expect(checkpoints.runs).toEqual(['llm-ops.pipeline-run-submit']);
      // Recovered after a crash before its checkpoint was saved: the Idempotency-Key of the
      // submission makes llm-ops answer with the first run.
      const recovered = actionContext(input, { taskId });
      await action.handler(recovered.ctx);

      expect(retried.outputs.runId).toBe(first.outputs.runId);
      expect(recovered.outputs.runId).toBe(first.outputs.runId);
      const workflows = await workflowsOf(pipeline.id);
      expect(workflows).toHaveLength(1);
      expect(workflows[0].metadata?.labels?.['llm-ops/run-id']).toBe(
        first.outputs.runId,
      );
    });

    it('a dry run creates no Workflow', async () => {
      const pipeline = await newPipeline();
      const { ctx, outputs } = actionContext(
        { pipeline: pipeline.name, parameters: { epochs: 2 } },
        { isDryRun: true },
      );
      await action.handler(ctx);
      expect(outputs).toMatchObject({ runId: 'dry-run', phase: 'Pending' });
      expect(await workflowsOf(pipeline.id)).toEqual([]);
    });

    it.each([
      [
        'a parameter value with a YAML document',
        { dataset: 'a\nkind: Secret' },
      ],
      [
        'a parameter value with Argo template syntax',
        { dataset: '{{workflow.serviceAccountName}}' },
      ],
      ['a parameter name with a shell command', { 'x;rm': '1' }],
    ])('refuses %s and creates no Workflow', async (_what, parameters) => {
      const pipeline = await newPipeline();
      const { ctx } = actionContext({ pipeline: pipeline.name, parameters });
      await expect(action.handler(ctx)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^Invalid input to llm-ops:pipeline:submit, nothing was done: /,
        ),
      });
      expect(await workflowsOf(pipeline.id)).toEqual([]);
    });
  },
);
