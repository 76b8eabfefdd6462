import type { Knex } from 'knex';
import { NotFoundError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PipelineRunState } from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  FINISHED_PHASES,
  type PipelineRunNodePhase,
  type PipelineRunStore,
} from '../database/PipelineRunStore';
import { isUuid } from '../database/conversions';
import { resourceIdOf, upsertSourceRef } from '../database/sourceRefs';
import type { Integrations } from './Integrations';
import {
  PIPELINE_RUN_LABELS,
  workflowRef,
  type OrchestrationTool,
} from './OrchestrationWriter';
import { WatchQueue } from './watchQueue';

const NODE_PHASES: ReadonlySet<string> = new Set([
  'Pending',
  'Running',
  'Succeeded',
  'Skipped',
  'Failed',
  'Error',
  'Omitted',
]);

/**
 * Keeps pipeline runs equal to their Workflows: for every orchestration adapter with the
 * `watch` capability, the adapter's watch runs until the signal aborts, and each reported
 * Workflow is matched to its run by its `<namespace>/<name>` (the run's source) or, for a
 * Workflow whose submission was not recorded (an interrupted replay), by its `llm-ops/run-id`
 * label, which adopts it as the run's source. Phase, progress, nodes and times are recorded as
 * the tool reports them; an unchanged report writes nothing. A deleted Workflow leaves the run
 * as it was last seen, and so does an unreachable cluster. Adapters without `watch` are polled
 * instead (`poll`, a scheduled task).
 */
export class OrchestrationWatch {
  constructor(
    private readonly db: Knex,
    private readonly runs: PipelineRunStore,
    private readonly integrations: Integrations,
    private readonly logger: LoggerService,
  ) {}

  start(signal: AbortSignal): Promise<void>[] {
    return this.integrations
      .orchestrationTools()
      .filter(
        tool => tool.adapter.capabilities.has('watch') && tool.adapter.watch,
      )
      .map(async tool => {
        const queue = new WatchQueue(
          this.logger,
          `watch of ${tool.adapter.id}`,
        );
        this.logger.info(
          `llm-ops watching pipeline runs on ${tool.adapter.id}`,
        );
        await tool.adapter.watch!((state, deleted) => {
          if (!deleted) queue.push(() => this.record(tool, state));
        }, signal);
        await queue.idle();
      });
  }

  /**
   * For an adapter that cannot watch (an Argo Server): reads the Workflows of the runs it holds
   * that have not finished (at most `limit` a pass, least recently updated first) and records
   * them as a watch would. A Workflow that is gone leaves its run as it was.
   */
  async poll(tool: OrchestrationTool, limit = 200): Promise<number> {
    const rows = await this.db('source_refs')
      .join('pipeline_runs', 'pipeline_runs.id', 'source_refs.resource_id')
      .where({
        'source_refs.integration': tool.connection.id,
        'source_refs.resource_type': 'pipeline-run',
      })
      .whereNotIn('pipeline_runs.phase', [...FINISHED_PHASES])
      .orderBy('pipeline_runs.updated_at')
      .limit(limit)
      .select('source_refs.external_id as external_id');
    let changed = 0;
    for (const row of rows) {
      const state = await tool.connection.call(() =>
        tool.adapter.get({
          ...workflowRef(row.external_id),
          cluster: tool.cluster,
        }),
      );
      if (state && (await this.record(tool, state))) changed++;
    }
    return changed;
  }

  /** Records one reported Workflow; answers whether a run changed. */
  async record(
    tool: OrchestrationTool,
    state: PipelineRunState,
  ): Promise<boolean> {
    const integration = tool.connection.id;
    let runId = await resourceIdOf(
      this.db,
      integration,
      'pipeline-run',
      state.externalId,
    );
    const adopt = !runId;
    if (!runId) {
      const labelled = state.labels[PIPELINE_RUN_LABELS.runId];
      if (!labelled || !isUuid(labelled)) return false;
      // A second Workflow of a run that already has one (a duplicate submission) is not it.
      const known = await this.db('source_refs')
        .where({
          integration,
          resource_type: 'pipeline-run',
          resource_id: labelled,
        })
        .first('external_id');
      if (known) return false;
      runId = labelled;
    }
    try {
      return await this.db.transaction(async tx => {
        const changed = await this.runs.recordObserved(
          runId!,
          {
            phase: state.phase,
            progress: state.progress,
            nodes: state.nodes.map(n => ({
              id: n.id,
              name: n.name,
              displayName: n.displayName,
              type: n.type,
              phase: (NODE_PHASES.has(n.phase)
                ? n.phase
                : 'Pending') as PipelineRunNodePhase,
              startedAt: n.startedAt ?? null,
              finishedAt: n.finishedAt ?? null,
              message: n.message ?? null,
            })),
            startedAt: state.startedAt,
            finishedAt: state.finishedAt,
          },
          tx,
        );
        if (changed || adopt) {
          await upsertSourceRef(tx, {
            integration,
            resourceType: 'pipeline-run',
            externalId: state.externalId,
            resourceId: runId!,
            url: state.url,
          });
        }
        return changed;
      });
    } catch (error) {
      // A labelled Workflow of a run llm-ops no longer has (its pipeline was deleted).
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }
}
