import type { Knex } from 'knex';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { OrchestrationAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  FINISHED_PHASES,
  type PipelineRun,
  type PipelineRunStore,
  type PipelineRunSubmission,
} from '../database/PipelineRunStore';
import type { Pipeline, PipelineStore } from '../database/PipelineStore';
import type { OutboxEntry, OutboxStore } from '../database/OutboxStore';
import { upsertSourceRef } from '../database/sourceRefs';
import type { ClusterTool, Integrations } from './Integrations';
import type { WriteResult } from './TrackingWriter';
import { sendToCluster } from './ClusterOutbox';

export type OrchestrationTool = ClusterTool<OrchestrationAdapter>;

/** What `OrchestrationAdapter.submit` takes; also the payload of a `pipeline-run.submit` entry. */
export type OrchestrationSubmit = Parameters<OrchestrationAdapter['submit']>[0];

export type PipelineRunAction = 'stop' | 'terminate' | 'retry';

/** The labels that tie a Workflow to llm-ops. */
export const PIPELINE_RUN_LABELS = {
  pipelineId: 'llm-ops/pipeline-id',
  runId: 'llm-ops/run-id',
} as const;

const RESOURCE_TYPE = 'pipeline-run';

/** `<namespace>/<name>` of a Workflow (what the Argo adapters return as externalId). */
export function workflowRef(externalId: string): {
  name: string;
  namespace?: string;
} {
  const slash = externalId.indexOf('/');
  if (slash < 0) return { name: externalId };
  const namespace = externalId.slice(0, slash);
  return {
    name: externalId.slice(slash + 1),
    ...(namespace ? { namespace } : {}),
  };
}

const ACTION_VERBS: Record<PipelineRunAction, string> = {
  stop: 'stopped',
  terminate: 'terminated',
  retry: 'retried',
};

/**
 * Runs of pipelines whose runtime has an orchestration integration (Argo: `argo:<cluster>`
 * through the Kubernetes API, `argo-server:<name>` through an Argo Server), per cluster. A run is
 * recorded Pending and submitted as a Workflow in the same transaction, labelled with the
 * pipeline and run ids; the Workflow's `<namespace>/<name>` becomes the run's source. When the
 * cluster is unavailable (or earlier writes for it wait), the run is committed Pending with a
 * `pipeline-run.submit` outbox entry, replayed later. stop, terminate and retry go to the
 * integration the run was submitted through, when it has the capability.
 */
export class OrchestrationWriter {
  constructor(
    private readonly db: Knex,
    private readonly pipelines: PipelineStore,
    private readonly runs: PipelineRunStore,
    private readonly outbox: OutboxStore,
    private readonly integrations: Integrations,
  ) {}

  async submit(
    pipeline: Pipeline,
    submission: PipelineRunSubmission,
    tx: Knex,
  ): Promise<WriteResult<PipelineRun>> {
    if (pipeline.runtime === 'dvc') {
      throw new ConflictError(
        `Pipeline '${pipeline.asset.name}' is a DVC pipeline: its runs are the stages recorded in the repository's dvc.lock (run \`dvc repro\` and commit); they cannot be submitted here`,
      );
    }
    const tool = this.integrations.orchestration(
      pipeline.runtime,
      pipeline.cluster,
    );
    const run = await this.runs.submit(pipeline, submission, tx);
    if (!tool || !pipeline.templateRef) return { resource: run };
    const input: OrchestrationSubmit = {
      templateRef: pipeline.templateRef,
      cluster: tool.cluster,
      ...(pipeline.namespace ? { namespace: pipeline.namespace } : {}),
      parameters: run.parameters,
      labels: {
        [PIPELINE_RUN_LABELS.pipelineId]: pipeline.asset.id,
        [PIPELINE_RUN_LABELS.runId]: run.id,
      },
    };
    const sent = await sendToCluster(
      tool,
      this.outbox,
      tx,
      {
        operation: 'pipeline-run.submit',
        resourceId: run.id,
        payload: { submit: input },
      },
      () => tool.adapter.submit(input),
    );
    if (sent.queued) return { resource: run, queued: sent.queued };
    await upsertSourceRef(tx, {
      integration: tool.connection.id,
      resourceType: RESOURCE_TYPE,
      externalId: sent.outcome.externalId,
      resourceId: run.id,
      url: sent.outcome.url,
    });
    return { resource: await this.runs.get(run.id, tx) };
  }

  /**
   * Stops, terminates or retries the run's Workflow. 409 for a run of a builtin pipeline, for an
   * integration without the capability (argo:<cluster> cannot retry: Argo retries in its server),
   * and for a run in a phase that does not allow it.
   */
  async act(
    runId: string,
    action: PipelineRunAction,
  ): Promise<WriteResult<PipelineRun>> {
    return this.db.transaction(async tx => {
      const run = await this.runs.get(runId, tx);
      const pipeline = await this.pipelines.get(run.pipelineId, tx);
      if (pipeline.runtime === 'dvc') {
        throw new ConflictError(
          `Run '${run.name}' is a DVC stage recorded in a repository; it cannot be ${ACTION_VERBS[action]}`,
        );
      }
      if (pipeline.runtime === 'builtin') {
        throw new ConflictError(
          `Run '${run.name}' belongs to the builtin pipeline '${pipeline.asset.name}', which no orchestrator runs; it cannot be ${ACTION_VERBS[action]}. Report its phase with PATCH /v1/pipeline-runs/${run.id}`,
        );
      }
      const ref = await this.sourceOf(run.id, tx);
      const tool = ref
        ? (this.integrations.clusterTool(ref.integration) as
            | OrchestrationTool
            | undefined)
        : this.integrations.orchestration(pipeline.runtime, pipeline.cluster);
      if (!tool) {
        throw new ConflictError(
          ref
            ? `Run '${run.name}' was submitted through ${ref.integration}, which is not configured any more; it cannot be ${ACTION_VERBS[action]}`
            : `No ${pipeline.runtime} integration is configured; run '${run.name}' cannot be ${ACTION_VERBS[action]}`,
        );
      }
      const method = tool.adapter[action];
      if (!tool.adapter.capabilities.has(action) || !method) {
        throw new ConflictError(
          action === 'retry'
            ? `${tool.adapter.id} cannot retry runs: Argo retries in its server, which the Kubernetes-API integration does not use. Configure an Argo Server (llmOps.argo.servers, adapter argo-server:<name>) to retry, or submit a new run with the same parameters`
            : `${tool.adapter.id} cannot ${action} runs`,
        );
      }
      if (
        action === 'retry' &&
        run.phase !== 'Failed' &&
        run.phase !== 'Error'
      ) {
        throw new ConflictError(
          `Only a Failed or Error run can be retried; run '${run.name}' is ${run.phase}`,
        );
      }
      if (action !== 'retry' && FINISHED_PHASES.has(run.phase)) {
        throw new ConflictError(
          `Run '${run.name}' has finished (${run.phase}); it cannot be ${ACTION_VERBS[action]}`,
        );
      }
      const pending = await this.outbox.hasPending(tool.connection.id, tx);
      if (!ref && !pending) {
        throw new ConflictError(
          `Run '${run.name}' has no Workflow on ${tool.adapter.id} (its submission failed); it cannot be ${ACTION_VERBS[action]}`,
        );
      }
      const target = ref && {
        ...workflowRef(ref.externalId),
        cluster: tool.cluster,
      };
      const sent = await sendToCluster(
        tool,
        this.outbox,
        tx,
        {
          operation: `pipeline-run.${action}`,
          resourceId: run.id,
          payload: { action },
        },
        () => method.call(tool.adapter, target!),
        { forceQueue: !target },
      );
      return { resource: run, queued: sent.queued };
    });
  }

  /** Replays a queued write of the entry's integration; answers what to record. */
  async replay(
    tool: OrchestrationTool,
    entry: OutboxEntry,
  ): Promise<(tx: Knex) => Promise<void>> {
    const integration = tool.connection.id;
    if (entry.operation === 'pipeline-run.submit') {
      // Adopted by the watch (an interrupted earlier attempt), or its pipeline deleted since.
      if (await this.sourceOf(entry.resourceId, this.db)) return async () => {};
      if (!(await this.runExists(entry.resourceId))) return async () => {};
      const input = (entry.payload as { submit: OrchestrationSubmit }).submit;
      const ref = await tool.adapter.submit(input);
      return async tx => {
        if (!(await this.runExists(entry.resourceId, tx))) return;
        await upsertSourceRef(tx, {
          integration,
          resourceType: RESOURCE_TYPE,
          externalId: ref.externalId,
          resourceId: entry.resourceId,
          url: ref.url,
        });
      };
    }
    const action = entry.operation.replace(
      'pipeline-run.',
      '',
    ) as PipelineRunAction;
    const method = ACTION_VERBS[action] ? tool.adapter[action] : undefined;
    if (!method) {
      throw Object.assign(
        new Error(
          `${tool.adapter.id} cannot replay outbox operation '${entry.operation}'`,
        ),
        { status: 400 },
      );
    }
    const ref = await this.sourceOf(entry.resourceId, this.db);
    if (!ref) {
      if (!(await this.runExists(entry.resourceId))) return async () => {};
      throw Object.assign(
        new Error(
          `Run ${entry.resourceId} has no Workflow on ${integration} (its submission failed); nothing to ${action}`,
        ),
        { status: 409 },
      );
    }
    await method.call(tool.adapter, {
      ...workflowRef(ref.externalId),
      cluster: tool.cluster,
    });
    return async () => {};
  }

  private async sourceOf(
    runId: string,
    db: Knex,
  ): Promise<{ integration: string; externalId: string } | undefined> {
    const row = await db('source_refs')
      .where({ resource_type: RESOURCE_TYPE, resource_id: runId })
      .orderBy('integration')
      .first('integration', 'external_id');
    return row && { integration: row.integration, externalId: row.external_id };
  }

  private async runExists(runId: string, db: Knex = this.db) {
    try {
      await this.runs.get(runId, db);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }
}
