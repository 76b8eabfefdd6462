import type {
  ExperimentTrackingAdapter,
  ExternalRef,
  IntegrationHealth,
  MetricPointRecord,
  Page,
  TrackedExperiment,
  TrackedRun,
  TrackedRunStatus,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  MlflowApiError,
  MlflowClient,
  MlflowKeyValue,
  MlflowUpdateRunRequest,
} from '../client';
import type { MlflowInstanceConfig } from '../config';
import {
  filterLiteral,
  isAlreadyExists,
  isNotFound,
  mapErrors,
} from './errors';
import { MlflowHealthCheck } from './health';
import { createMlflowClient, MlflowAdapterOptions } from './options';
import {
  experimentUrl,
  LLM_OPS_ID_TAG,
  NOTE_TAG,
  runUrl,
  tagValue,
  toKeyValues,
  toMetricPoint,
  toTrackedExperiment,
  toTrackedRun,
} from './read';

/** The metric history page size; MLflow would otherwise send the whole series at once. */
const METRIC_HISTORY_PAGE_SIZE = 10_000;

/**
 * Experiment tracking on an MLflow server, over {@link MlflowClient}: experiments, runs, metric
 * history and log-batch, mapped to the llm-ops records.
 *
 * Errors are the client's: `MlflowApiError` with the HTTP `status` (a taken name reported as 409
 * instead of MLflow's 400), and `MlflowRequestError`, without a status, for timeouts and
 * connection failures, which the backend treats as the tool being unavailable.
 *
 * @public
 */
export class MlflowTrackingAdapter implements ExperimentTrackingAdapter {
  readonly id: string;
  readonly category = 'experiment-tracking' as const;
  readonly capabilities: ReadonlySet<string> = new Set([
    'write',
    'search',
    'metric-history',
  ]);

  private readonly client: MlflowClient;
  private readonly uiBaseUrl: string;
  private readonly health: MlflowHealthCheck;

  static fromInstance(
    instance: MlflowInstanceConfig,
    client: MlflowClient = createMlflowClient(instance),
  ): MlflowTrackingAdapter {
    return new MlflowTrackingAdapter({
      instanceId: instance.id,
      client,
      uiBaseUrl: instance.uiBaseUrl,
    });
  }

  constructor(options: MlflowAdapterOptions) {
    this.id = `mlflow:${options.instanceId}`;
    this.client = options.client;
    this.uiBaseUrl = options.uiBaseUrl;
    this.health = new MlflowHealthCheck(this.client, () =>
      this.client.experiments.search({ max_results: 1 }),
    );
  }

  checkHealth(): Promise<IntegrationHealth> {
    return this.health.check();
  }

  // ---- Reads ------------------------------------------------------------------------------------

  listExperiments(options: {
    updatedSince?: number;
    includeDeleted?: boolean;
    pageToken?: string;
  }): Promise<Page<TrackedExperiment>> {
    return mapErrors(async () => {
      const page = await this.client.experiments.search({
        // MLflow filters on last_update_time itself. It moves on create, rename, delete and
        // restore, but not when only a tag (or the description, a tag too) changes.
        filter:
          options.updatedSince === undefined
            ? undefined
            : `last_update_time > ${Math.floor(options.updatedSince)}`,
        order_by: ['last_update_time DESC', 'experiment_id ASC'],
        view_type: options.includeDeleted ? 'ALL' : 'ACTIVE_ONLY',
        page_token: options.pageToken,
      });
      return {
        items: page.experiments.map(e =>
          toTrackedExperiment(e, this.uiBaseUrl),
        ),
        ...nextPage(page.nextPageToken),
      };
    });
  }

  listRuns(options: {
    experimentExternalIds: string[];
    filter?: string;
    includeDeleted?: boolean;
    pageToken?: string;
  }): Promise<Page<TrackedRun>> {
    return mapErrors(async () => {
      if (options.experimentExternalIds.length === 0) return { items: [] };
      const page = await this.client.runs.search({
        experiment_ids: options.experimentExternalIds,
        filter: options.filter || undefined,
        run_view_type: options.includeDeleted ? 'ALL' : 'ACTIVE_ONLY',
        page_token: options.pageToken,
      });
      return {
        items: page.runs.map(run => toTrackedRun(run, this.uiBaseUrl)),
        ...nextPage(page.nextPageToken),
      };
    });
  }

  getMetricHistory(
    runExternalId: string,
    key: string,
    pageToken?: string,
  ): Promise<Page<MetricPointRecord>> {
    return mapErrors(async () => {
      const page = await this.client.runs.getMetricHistory({
        run_id: runExternalId,
        metric_key: key,
        max_results: METRIC_HISTORY_PAGE_SIZE,
        page_token: pageToken,
      });
      if (page.metrics.length === 0 && !pageToken) {
        // MLflow answers an unknown run with an empty history; this makes it the 404 it is.
        await this.client.runs.get(runExternalId);
      }
      return {
        items: page.metrics.map(toMetricPoint),
        ...nextPage(page.nextPageToken),
      };
    });
  }

  /** Also finds a soft-deleted experiment: its name stays taken until MLflow's garbage collection. */
  findExperimentByName(name: string): Promise<TrackedExperiment | undefined> {
    return mapErrors(async () => {
      try {
        const experiment = await this.client.experiments.getByName(name);
        return toTrackedExperiment(experiment, this.uiBaseUrl);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  /** Searches all lifecycle stages, so a run deleted since is found too. */
  findRunByLlmOpsId(
    experimentExternalId: string,
    llmOpsId: string,
  ): Promise<ExternalRef | undefined> {
    return mapErrors(async () => {
      const { runs } = await this.client.runs.search({
        experiment_ids: [experimentExternalId],
        filter: `tags.\`${LLM_OPS_ID_TAG}\` = ${filterLiteral(llmOpsId)}`,
        run_view_type: 'ALL',
        order_by: ['attributes.start_time ASC'],
        max_results: 1,
      });
      if (runs.length === 0) return undefined;
      const info = runs[0].info;
      return {
        externalId: info.run_id,
        url: runUrl(this.uiBaseUrl, info.experiment_id, info.run_id),
      };
    });
  }

  // ---- Experiment writes ------------------------------------------------------------------------

  /**
   * Creates the experiment with the llm-ops id in its `llm-ops.id` tag. A replay finds the
   * experiment it created before (same name, same llm-ops id) and returns it; a name taken by
   * anything else is a 409.
   */
  createExperiment(input: {
    llmOpsId: string;
    name: string;
    description?: string | null;
    tags?: Record<string, string>;
  }): Promise<ExternalRef> {
    return mapErrors(async () => {
      const tags: MlflowKeyValue[] = [
        ...toKeyValues(input.tags).filter(
          tag => tag.key !== LLM_OPS_ID_TAG && tag.key !== NOTE_TAG,
        ),
        { key: LLM_OPS_ID_TAG, value: input.llmOpsId },
      ];
      if (input.description) {
        tags.push({ key: NOTE_TAG, value: input.description });
      }
      let experimentId: string;
      try {
        experimentId = await this.client.experiments.create({
          name: input.name,
          tags,
        });
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        const existing = await this.client.experiments.getByName(input.name);
        if (tagValue(existing.tags, LLM_OPS_ID_TAG) !== input.llmOpsId) {
          throw error;
        }
        experimentId = existing.experiment_id;
      }
      return {
        externalId: experimentId,
        url: experimentUrl(this.uiBaseUrl, experimentId),
      };
    });
  }

  /**
   * `name` renames; `description` sets (or, when null or empty, removes) the `mlflow.note.content`
   * tag; `tags` are set one by one, an empty value deleting the tag.
   */
  updateExperiment(
    externalId: string,
    patch: {
      name?: string;
      description?: string | null;
      tags?: Record<string, string>;
    },
  ): Promise<void> {
    return mapErrors(async () => {
      const experiments = this.client.experiments;
      if (patch.name !== undefined) {
        await this.rename(externalId, patch.name);
      }
      const tags: Record<string, string> = { ...patch.tags };
      if (patch.description !== undefined) {
        tags[NOTE_TAG] = patch.description ?? '';
      }
      for (const [key, value] of Object.entries(tags)) {
        if (value !== '') {
          await experiments.setTag(externalId, key, value);
        } else {
          await deleteTagIfPresent(
            () => experiments.deleteTag(externalId, key),
            () => experiments.get(externalId),
          );
        }
      }
    });
  }

  /**
   * MLflow answers a rename to a taken name with 400 BAD_REQUEST and its database's constraint
   * error; this reports it as the 409 it is.
   */
  private async rename(externalId: string, name: string): Promise<void> {
    try {
      await this.client.experiments.update(externalId, name);
    } catch (error) {
      if (!(error instanceof MlflowApiError) || error.status !== 400) {
        throw error;
      }
      const holder = await this.client.experiments.getByName(name).then(
        experiment => experiment.experiment_id,
        () => undefined, // not taken, or not a valid name: the 400 stands
      );
      if (holder === undefined || holder === externalId) throw error;
      throw new MlflowApiError({
        method: error.method,
        path: error.path,
        status: 409,
        errorCode: 'RESOURCE_ALREADY_EXISTS',
        serverMessage: `Experiment '${name}' already exists`,
      });
    }
  }

  /** Soft delete. Deleting an experiment that is already deleted succeeds. */
  deleteExperiment(externalId: string): Promise<void> {
    return mapErrors(async () => {
      try {
        await this.client.experiments.delete(externalId);
      } catch (error) {
        // MLflow answers 404 for an experiment that is already deleted.
        if (!isNotFound(error)) throw error;
        const experiment = await this.client.experiments.get(externalId);
        if (experiment.lifecycle_stage !== 'deleted') throw error;
      }
    });
  }

  /** Restoring an experiment that is active succeeds. */
  restoreExperiment(externalId: string): Promise<void> {
    return mapErrors(async () => {
      try {
        await this.client.experiments.restore(externalId);
      } catch (error) {
        // MLflow answers 404 for an experiment that is not deleted.
        if (!isNotFound(error)) throw error;
        const experiment = await this.client.experiments.get(externalId);
        if (experiment.lifecycle_stage !== 'active') throw error;
      }
    });
  }

  // ---- Run writes -------------------------------------------------------------------------------

  /**
   * Creates a run with the llm-ops id in its `llm-ops.id` tag (and the name in MLflow's
   * `mlflow.runName`), starting now unless `startTime` says otherwise. It does not look for an
   * earlier run itself: that is {@link MlflowTrackingAdapter.findRunByLlmOpsId}.
   */
  createRun(input: {
    llmOpsId: string;
    experimentExternalId: string;
    name?: string;
    startTime?: number;
    tags?: Record<string, string>;
  }): Promise<ExternalRef> {
    return mapErrors(async () => {
      const run = await this.client.runs.create({
        experiment_id: input.experimentExternalId,
        run_name: input.name,
        start_time: input.startTime ?? Date.now(),
        tags: [
          ...toKeyValues(input.tags).filter(tag => tag.key !== LLM_OPS_ID_TAG),
          { key: LLM_OPS_ID_TAG, value: input.llmOpsId },
        ],
      });
      return {
        externalId: run.info.run_id,
        url: runUrl(this.uiBaseUrl, run.info.experiment_id, run.info.run_id),
      };
    });
  }

  /**
   * `name`, `status` and `endTime` go through runs/update (MLflow cannot clear an end time, so
   * `endTime: null` is ignored); `tags` are set one by one, an empty value deleting the tag.
   */
  updateRun(
    externalId: string,
    patch: {
      name?: string;
      status?: TrackedRunStatus;
      endTime?: number | null;
      tags?: Record<string, string>;
    },
  ): Promise<void> {
    return mapErrors(async () => {
      const runs = this.client.runs;
      const update: MlflowUpdateRunRequest = { run_id: externalId };
      if (patch.name !== undefined) update.run_name = patch.name;
      if (patch.status !== undefined) update.status = patch.status;
      if (patch.endTime !== undefined && patch.endTime !== null) {
        update.end_time = patch.endTime;
      }
      if (Object.keys(update).length > 1) await runs.update(update);
      for (const [key, value] of Object.entries(patch.tags ?? {})) {
        if (value !== '') {
          await runs.setTag(externalId, key, value);
        } else {
          await deleteTagIfPresent(
            () => runs.deleteTag(externalId, key),
            () => runs.get(externalId),
          );
        }
      }
    });
  }

  /** Soft delete; MLflow accepts deleting a deleted run. */
  deleteRun(externalId: string): Promise<void> {
    return mapErrors(() => this.client.runs.delete(externalId));
  }

  restoreRun(externalId: string): Promise<void> {
    return mapErrors(() => this.client.runs.restore(externalId));
  }

  /**
   * Logs through the client, which splits the batch within MLflow's limits. MLflow stores a
   * metric point once per (key, value, timestamp, step), so sending the same points again adds
   * nothing; a param logged again must keep its value.
   */
  logBatch(
    externalId: string,
    batch: {
      metrics?: MetricPointRecord[];
      params?: Record<string, string>;
      tags?: Record<string, string>;
    },
  ): Promise<void> {
    return mapErrors(async () => {
      const metrics = (batch.metrics ?? []).map(point => ({
        key: point.key,
        value: point.value,
        timestamp: point.timestamp,
        step: point.step,
      }));
      const params = toKeyValues(batch.params);
      const tags = toKeyValues(batch.tags);
      if (!metrics.length && !params.length && !tags.length) return;
      await this.client.runs.logBatch({
        run_id: externalId,
        metrics,
        params,
        tags,
      });
    });
  }
}

function nextPage(token: string | undefined): { nextPageToken?: string } {
  return token ? { nextPageToken: token } : {};
}

/**
 * Deletes a tag, treating "no such tag" as done. MLflow answers 404 both for a missing tag and for
 * a missing entity; `get` tells them apart (and rethrows the entity's own 404).
 */
async function deleteTagIfPresent(
  deleteTag: () => Promise<void>,
  get: () => Promise<unknown>,
): Promise<void> {
  try {
    await deleteTag();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await get();
  }
}
