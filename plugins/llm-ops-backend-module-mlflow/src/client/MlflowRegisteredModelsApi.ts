import { MlflowTransport } from './MlflowTransport';
import {
  MlflowCreateRegisteredModelRequest,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRegisteredModelsPage,
  MlflowSearchRegistryRequest,
} from './types';

/**
 * MLflow model registry, registered models and their aliases: `/api/2.0/mlflow/registered-models/*`.
 *
 * @public
 */
export class MlflowRegisteredModelsApi {
  /** @internal */
  constructor(private readonly transport: MlflowTransport) {}

  async create(
    request: MlflowCreateRegisteredModelRequest,
  ): Promise<MlflowRegisteredModel> {
    const response = await this.transport.post<{
      registered_model: MlflowRegisteredModel;
    }>('/registered-models/create', request);
    return response.registered_model;
  }

  async get(name: string): Promise<MlflowRegisteredModel> {
    const response = await this.transport.get<{
      registered_model: MlflowRegisteredModel;
    }>('/registered-models/get', { name });
    return response.registered_model;
  }

  /** A GET endpoint: `order_by` entries are sent as repeated query parameters. */
  async search(
    request: MlflowSearchRegistryRequest = {},
  ): Promise<MlflowRegisteredModelsPage> {
    const response = await this.transport.get<{
      registered_models?: MlflowRegisteredModel[];
      next_page_token?: string;
    }>('/registered-models/search', {
      filter: request.filter,
      max_results: request.max_results,
      order_by: request.order_by,
      page_token: request.page_token,
    });
    return {
      registeredModels: response.registered_models ?? [],
      nextPageToken: response.next_page_token || undefined,
    };
  }

  async rename(name: string, newName: string): Promise<MlflowRegisteredModel> {
    const response = await this.transport.post<{
      registered_model: MlflowRegisteredModel;
    }>('/registered-models/rename', { name, new_name: newName });
    return response.registered_model;
  }

  /** Hard delete, with all versions and aliases. */
  async delete(name: string): Promise<void> {
    await this.transport.delete('/registered-models/delete', { name });
  }

  async setTag(name: string, key: string, value: string): Promise<void> {
    await this.transport.post('/registered-models/set-tag', {
      name,
      key,
      value,
    });
  }

  /** Points `alias` at `version`, moving it if it pointed elsewhere. */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.transport.post('/registered-models/alias', {
      name,
      alias,
      version,
    });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.transport.delete('/registered-models/alias', { name, alias });
  }

  /**
   * The version an alias points at. An unknown alias is 400 INVALID_PARAMETER_VALUE, not 404;
   * an unknown model is 404 RESOURCE_DOES_NOT_EXIST.
   */
  async getByAlias(name: string, alias: string): Promise<MlflowModelVersion> {
    const response = await this.transport.get<{
      model_version: MlflowModelVersion;
    }>('/registered-models/alias', { name, alias });
    return response.model_version;
  }
}
