import type { LlmOpsIntegration } from './integration';
import type { ExternalRef, Page } from './page';

/** @public */
export type TrackedExperiment = {
  externalId: string;
  name: string;
  description?: string;
  lifecycle: 'active' | 'deleted';
  tags: Record<string, string>;
  /** ms since the epoch */
  createdAt: number;
  /** ms since the epoch; what incremental sync keys on */
  updatedAt: number;
  url?: string;
};

/** @public */
export type TrackedRunStatus =
  | 'RUNNING'
  | 'SCHEDULED'
  | 'FINISHED'
  | 'FAILED'
  | 'KILLED';

/** @public */
export type TrackedRun = {
  externalId: string;
  experimentExternalId: string;
  name: string;
  status: TrackedRunStatus;
  startTime: number | null;
  endTime: number | null;
  lifecycle: 'active' | 'deleted';
  params: Record<string, string>;
  tags: Record<string, string>;
  /** The latest value of each metric. */
  metrics: Record<string, { value: number; step: number; timestamp: number }>;
  /** Datasets the run logged as inputs (MLflow dataset inputs). */
  datasetInputs: Array<{ name: string; digest: string; source?: string }>;
  url?: string;
};

/** @public */
export type MetricPointRecord = {
  key: string;
  value: number;
  step: number;
  timestamp: number;
};

/**
 * Experiment tracking (MLflow and the like). Adapters translate between the tool's API and these
 * shapes; deciding what to sync, retrying and queueing is the backend's job.
 *
 * Writes carry the llm-ops id so that an adapter can stamp it on the created resource (a tag),
 * which lets a replay after a crash find the resource instead of creating it twice.
 *
 * @public
 */
export interface ExperimentTrackingAdapter extends LlmOpsIntegration {
  readonly category: 'experiment-tracking';

  /** Experiments changed after `updatedSince` (ms), or all of them, most recently changed first. */
  listExperiments(options: {
    updatedSince?: number;
    includeDeleted?: boolean;
    pageToken?: string;
  }): Promise<Page<TrackedExperiment>>;
  /** Runs of the given experiments matching an MLflow-style filter. */
  listRuns(options: {
    experimentExternalIds: string[];
    filter?: string;
    includeDeleted?: boolean;
    pageToken?: string;
  }): Promise<Page<TrackedRun>>;
  getMetricHistory(
    runExternalId: string,
    key: string,
    pageToken?: string,
  ): Promise<Page<MetricPointRecord>>;

  findExperimentByName(name: string): Promise<TrackedExperiment | undefined>;
  createExperiment(input: {
    llmOpsId: string;
    name: string;
    description?: string | null;
    tags?: Record<string, string>;
  }): Promise<ExternalRef>;
  updateExperiment(
    externalId: string,
    patch: {
      name?: string;
      description?: string | null;
      tags?: Record<string, string>;
    },
  ): Promise<void>;
  deleteExperiment(externalId: string): Promise<void>;
  restoreExperiment(externalId: string): Promise<void>;

  /** A run created earlier for this llm-ops id, if any (found by the tag createRun stamps). */
  findRunByLlmOpsId(
    experimentExternalId: string,
    llmOpsId: string,
  ): Promise<ExternalRef | undefined>;
  createRun(input: {
    llmOpsId: string;
    experimentExternalId: string;
    name?: string;
    startTime?: number;
    tags?: Record<string, string>;
  }): Promise<ExternalRef>;
  updateRun(
    externalId: string,
    patch: {
      name?: string;
      status?: TrackedRunStatus;
      endTime?: number | null;
      tags?: Record<string, string>;
    },
  ): Promise<void>;
  deleteRun(externalId: string): Promise<void>;
  restoreRun(externalId: string): Promise<void>;
  /** Re-sending the same points must be harmless (MLflow keys a point by all its fields). */
  logBatch(
    externalId: string,
    batch: {
      metrics?: MetricPointRecord[];
      params?: Record<string, string>;
      tags?: Record<string, string>;
    },
  ): Promise<void>;
}
