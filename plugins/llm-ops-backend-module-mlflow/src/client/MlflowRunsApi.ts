import { chunkLogBatch } from './chunkLogBatch';
import { MlflowTransport } from './MlflowTransport';
import {
  MlflowCreateRunRequest,
  MlflowGetMetricHistoryRequest,
  MlflowLogBatchRequest,
  MlflowLogInputsRequest,
  MlflowMetric,
  MlflowMetricHistoryPage,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunsPage,
  MlflowSearchRunsRequest,
  MlflowUpdateRunRequest,
} from './types';

/**
 * MLflow runs and their metrics, params, tags and inputs: `/api/2.0/mlflow/runs/*` and
 * `/metrics/get-history`.
 *
 * @public
 */
export class MlflowRunsApi {
  /** @internal */
  constructor(private readonly transport: MlflowTransport) {}

  async create(request: MlflowCreateRunRequest): Promise<MlflowRun> {
    const response = await this.transport.post<{ run: MlflowRun }>(
      '/runs/create',
      request,
    );
    return response.run;
  }

  /** The run with the latest value of each metric; the series is in {@link MlflowRunsApi.getMetricHistory}. */
  async get(runId: string): Promise<MlflowRun> {
    const response = await this.transport.get<{ run: MlflowRun }>('/runs/get', {
      run_id: runId,
    });
    return response.run;
  }

  /** Sets the status, end time or name; returns the updated run info. */
  async update(request: MlflowUpdateRunRequest): Promise<MlflowRunInfo> {
    const response = await this.transport.post<{ run_info: MlflowRunInfo }>(
      '/runs/update',
      request,
    );
    return response.run_info;
  }

  /** Soft delete: the run moves to the `deleted` lifecycle stage. */
  async delete(runId: string): Promise<void> {
    await this.transport.post('/runs/delete', { run_id: runId });
  }

  async restore(runId: string): Promise<void> {
    await this.transport.post('/runs/restore', { run_id: runId });
  }

  async search(request: MlflowSearchRunsRequest): Promise<MlflowRunsPage> {
    const response = await this.transport.post<{
      runs?: MlflowRun[];
      next_page_token?: string;
    }>('/runs/search', request);
    return {
      runs: response.runs ?? [],
      nextPageToken: response.next_page_token || undefined,
    };
  }

  /**
   * Logs metrics, params and tags of any number, in as many requests as MLflow's batch limits
   * need (1000 metrics, 100 params, 100 tags, 1000 items and 1 MB per request), one after the
   * other and in order. MLflow answers each with an empty object.
   *
   * A large batch is therefore not atomic: when a request fails, the earlier ones stay logged.
   * Params are write-once in MLflow, so retrying a batch with the same params is safe but one
   * with a changed param value fails with 400 INVALID_PARAMETER_VALUE.
   */
  async logBatch(request: MlflowLogBatchRequest): Promise<void> {
    for (const body of chunkLogBatch(request)) {
      await this.transport.post('/runs/log-batch', body);
    }
  }

  /** Records datasets (and MLflow 3 logged models) as inputs of a run. */
  async logInputs(request: MlflowLogInputsRequest): Promise<void> {
    await this.transport.post('/runs/log-inputs', request);
  }

  /**
   * One page of a metric's full series, ordered by timestamp, then step, then value (the
   * server's order, not the step order). Without `max_results` the server sends the whole
   * series at once.
   */
  async getMetricHistory(
    request: MlflowGetMetricHistoryRequest,
  ): Promise<MlflowMetricHistoryPage> {
    const response = await this.transport.get<{
      metrics?: MlflowMetric[];
      next_page_token?: string;
    }>('/metrics/get-history', {
      run_id: request.run_id,
      metric_key: request.metric_key,
      max_results: request.max_results,
      page_token: request.page_token,
    });
    return {
      metrics: response.metrics ?? [],
      nextPageToken: response.next_page_token || undefined,
    };
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.transport.post('/runs/set-tag', { run_id: runId, key, value });
  }

  /** Fails with 404 RESOURCE_DOES_NOT_EXIST when the run has no such tag. */
  async deleteTag(runId: string, key: string): Promise<void> {
    await this.transport.post('/runs/delete-tag', { run_id: runId, key });
  }
}
