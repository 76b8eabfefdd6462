import { MlflowTransport } from './MlflowTransport';
import {
  MlflowCreateExperimentRequest,
  MlflowExperiment,
  MlflowExperimentsPage,
  MlflowSearchExperimentsRequest,
} from './types';

// The experiments search endpoint has no default page size and rejects 0, so the client always
// sends one; 1000 is what MLflow's own Python client uses.
const DEFAULT_SEARCH_PAGE_SIZE = 1000;

/**
 * MLflow experiments: `/api/2.0/mlflow/experiments/*`.
 *
 * @public
 */
export class MlflowExperimentsApi {
  /** @internal */
  constructor(private readonly transport: MlflowTransport) {}

  /** Creates an experiment and returns its ID. Fails with 400 RESOURCE_ALREADY_EXISTS on a taken name. */
  async create(request: MlflowCreateExperimentRequest): Promise<string> {
    const response = await this.transport.post<{ experiment_id: string }>(
      '/experiments/create',
      request,
    );
    return response.experiment_id;
  }

  async get(experimentId: string): Promise<MlflowExperiment> {
    const response = await this.transport.get<{ experiment: MlflowExperiment }>(
      '/experiments/get',
      { experiment_id: experimentId },
    );
    return response.experiment;
  }

  /** Also finds soft-deleted experiments (their `lifecycle_stage` is `deleted`). */
  async getByName(name: string): Promise<MlflowExperiment> {
    const response = await this.transport.get<{ experiment: MlflowExperiment }>(
      '/experiments/get-by-name',
      { experiment_name: name },
    );
    return response.experiment;
  }

  async search(
    request: MlflowSearchExperimentsRequest = {},
  ): Promise<MlflowExperimentsPage> {
    const response = await this.transport.post<{
      experiments?: MlflowExperiment[];
      next_page_token?: string;
    }>('/experiments/search', {
      ...request,
      max_results: request.max_results ?? DEFAULT_SEARCH_PAGE_SIZE,
    });
    return {
      experiments: response.experiments ?? [],
      nextPageToken: response.next_page_token || undefined,
    };
  }

  /** Renames an experiment (the only attribute MLflow lets you update). */
  async update(experimentId: string, newName: string): Promise<void> {
    await this.transport.post('/experiments/update', {
      experiment_id: experimentId,
      new_name: newName,
    });
  }

  /** Soft delete: the experiment and its runs move to the `deleted` stage and keep their names. */
  async delete(experimentId: string): Promise<void> {
    await this.transport.post('/experiments/delete', {
      experiment_id: experimentId,
    });
  }

  async restore(experimentId: string): Promise<void> {
    await this.transport.post('/experiments/restore', {
      experiment_id: experimentId,
    });
  }

  /** Fails with 404 RESOURCE_DOES_NOT_EXIST when the experiment has no such tag. */
  async deleteTag(experimentId: string, key: string): Promise<void> {
    await this.transport.post('/experiments/delete-experiment-tag', {
      experiment_id: experimentId,
      key,
    });
  }

  async setTag(
    experimentId: string,
    key: string,
    value: string,
  ): Promise<void> {
    await this.transport.post('/experiments/set-experiment-tag', {
      experiment_id: experimentId,
      key,
      value,
    });
  }
}
