import { MlflowTransport } from './MlflowTransport';
import {
  MlflowCreateModelVersionRequest,
  MlflowModelVersion,
  MlflowModelVersionsPage,
  MlflowSearchRegistryRequest,
  MlflowUpdateModelVersionRequest,
} from './types';

/**
 * MLflow model registry, versions of registered models: `/api/2.0/mlflow/model-versions/*`.
 *
 * @public
 */
export class MlflowModelVersionsApi {
  /** @internal */
  constructor(private readonly transport: MlflowTransport) {}

  /** Registers a new version; MLflow numbers versions 1, 2, … per model. */
  async create(
    request: MlflowCreateModelVersionRequest,
  ): Promise<MlflowModelVersion> {
    const response = await this.transport.post<{
      model_version: MlflowModelVersion;
    }>('/model-versions/create', request);
    return response.model_version;
  }

  async get(name: string, version: string): Promise<MlflowModelVersion> {
    const response = await this.transport.get<{
      model_version: MlflowModelVersion;
    }>('/model-versions/get', { name, version });
    return response.model_version;
  }

  /** A GET endpoint; filter on `name`, `run_id`, `source_path` or `tags.<key>`. */
  async search(
    request: MlflowSearchRegistryRequest = {},
  ): Promise<MlflowModelVersionsPage> {
    const response = await this.transport.get<{
      model_versions?: MlflowModelVersion[];
      next_page_token?: string;
    }>('/model-versions/search', {
      filter: request.filter,
      max_results: request.max_results,
      order_by: request.order_by,
      page_token: request.page_token,
    });
    return {
      modelVersions: response.model_versions ?? [],
      nextPageToken: response.next_page_token || undefined,
    };
  }

  /** Only the description can be updated. */
  async update(
    request: MlflowUpdateModelVersionRequest,
  ): Promise<MlflowModelVersion> {
    const response = await this.transport.patch<{
      model_version: MlflowModelVersion;
    }>('/model-versions/update', request);
    return response.model_version;
  }

  async delete(name: string, version: string): Promise<void> {
    await this.transport.delete('/model-versions/delete', { name, version });
  }

  async setTag(
    name: string,
    version: string,
    key: string,
    value: string,
  ): Promise<void> {
    await this.transport.post('/model-versions/set-tag', {
      name,
      version,
      key,
      value,
    });
  }
}
