import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  ApiDataset,
  ApiDatasetVersion,
  ApiEndpoint,
  ApiExperiment,
  ApiModel,
  ApiModelVersion,
  ApiOutboxRef,
  ApiPipeline,
  ApiPipelineRun,
  ApiRun,
  WriteResult,
} from './types';

const PLUGIN_ID = 'llm-ops';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

type RequestOptions = {
  body?: object;
  /** Sent as `Idempotency-Key`: a retried create returns the first answer instead of creating twice. */
  idempotencyKey?: string;
};

const errorByStatus: Record<number, new (message: string) => Error> = {
  400: InputError,
  401: AuthenticationError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
  503: ServiceUnavailableError,
};

const seg = encodeURIComponent;

/**
 * The llm-ops /v1 API as one user: every request carries a token for the llm-ops plugin issued
 * on behalf of that user's credentials, so llm-ops permissions and auditing see the user (the
 * task's initiator), never the scaffolder.
 *
 * Answers are the envelope `{status, message, data}`; an error answer becomes the matching
 * `@backstage/errors` error carrying the API's message.
 */
export class LlmOpsClient {
  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly credentials: BackstageCredentials,
    private readonly signal?: AbortSignal,
  ) {}

  /** A client that calls as `credentials` (from `ctx.getInitiatorCredentials()`). */
  static forCredentials(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    credentials: BackstageCredentials;
    signal?: AbortSignal;
  }): LlmOpsClient {
    return new LlmOpsClient(
      options.discovery,
      options.auth,
      options.credentials,
      options.signal,
    );
  }

  // --- experiments and runs --------------------------------------------------------------

  getExperiment(idOrName: string): Promise<ApiExperiment | undefined> {
    return this.find(`/v1/experiments/${seg(idOrName)}`);
  }

  createExperiment(
    body: object,
    idempotencyKey: string,
  ): Promise<WriteResult<ApiExperiment>> {
    return this.write('POST', '/v1/experiments', { body, idempotencyKey });
  }

  getRun(runId: string): Promise<ApiRun | undefined> {
    return this.find(`/v1/runs/${seg(runId)}`);
  }

  // --- models ----------------------------------------------------------------------------

  getModel(idOrName: string): Promise<ApiModel | undefined> {
    return this.find(`/v1/models/${seg(idOrName)}`);
  }

  createModel(
    body: object,
    idempotencyKey: string,
  ): Promise<WriteResult<ApiModel>> {
    return this.write('POST', '/v1/models', { body, idempotencyKey });
  }

  createModelVersion(
    model: string,
    body: object,
    idempotencyKey: string,
  ): Promise<WriteResult<ApiModelVersion>> {
    return this.write('POST', `/v1/models/${seg(model)}/versions`, {
      body,
      idempotencyKey,
    });
  }

  getModelVersion(
    model: string,
    version: string,
  ): Promise<ApiModelVersion | undefined> {
    return this.find(`/v1/models/${seg(model)}/versions/${seg(version)}`);
  }

  getModelVersionByAlias(
    model: string,
    alias: string,
  ): Promise<ApiModelVersion | undefined> {
    return this.find(`/v1/models/${seg(model)}/aliases/${seg(alias)}`);
  }

  setModelAlias(
    model: string,
    alias: string,
    version: string,
  ): Promise<WriteResult<ApiModelVersion>> {
    return this.write('PUT', `/v1/models/${seg(model)}/aliases/${seg(alias)}`, {
      body: { version },
    });
  }

  // --- datasets --------------------------------------------------------------------------

  getDataset(idOrName: string): Promise<ApiDataset | undefined> {
    return this.find(`/v1/datasets/${seg(idOrName)}`);
  }

  createDataset(
    body: object,
    idempotencyKey: string,
  ): Promise<WriteResult<ApiDataset>> {
    return this.write('POST', '/v1/datasets', { body, idempotencyKey });
  }

  getDatasetVersion(
    dataset: string,
    version: string,
  ): Promise<ApiDatasetVersion | undefined> {
    return this.find(`/v1/datasets/${seg(dataset)}/versions/${seg(version)}`);
  }

  createDatasetVersion(
    dataset: string,
    body: object,
    idempotencyKey: string,
  ): Promise<WriteResult<ApiDatasetVersion>> {
    return this.write('POST', `/v1/datasets/${seg(dataset)}/versions`, {
      body,
      idempotencyKey,
    });
  }

  // --- endpoints -------------------------------------------------------------------------

  getEndpoint(idOrName: string): Promise<ApiEndpoint | undefined> {
    return this.find(`/v1/endpoints/${seg(idOrName)}`);
  }

  createEndpoint(
    body: object,
    idempotencyKey: string,
  ): Promise<WriteResult<ApiEndpoint>> {
    return this.write('POST', '/v1/endpoints', { body, idempotencyKey });
  }

  updateEndpoint(
    idOrName: string,
    body: object,
  ): Promise<WriteResult<ApiEndpoint>> {
    return this.write('PATCH', `/v1/endpoints/${seg(idOrName)}`, { body });
  }

  deployEndpoint(
    idOrName: string,
    body: { modelVersionId: string; canaryPercent?: number },
  ): Promise<WriteResult<ApiEndpoint>> {
    return this.write('POST', `/v1/endpoints/${seg(idOrName)}/deploy`, {
      body,
    });
  }

  promoteEndpoint(idOrName: string): Promise<WriteResult<ApiEndpoint>> {
    return this.write('POST', `/v1/endpoints/${seg(idOrName)}/promote`, {
      body: {},
    });
  }

  rollbackEndpoint(idOrName: string): Promise<WriteResult<ApiEndpoint>> {
    return this.write('POST', `/v1/endpoints/${seg(idOrName)}/rollback`, {
      body: {},
    });
  }

  // --- pipelines -------------------------------------------------------------------------

  getPipeline(idOrName: string): Promise<ApiPipeline | undefined> {
    return this.find(`/v1/pipelines/${seg(idOrName)}`);
  }

  submitPipelineRun(
    pipeline: string,
    body: object,
    idempotencyKey: string,
  ): Promise<WriteResult<ApiPipelineRun>> {
    return this.write('POST', `/v1/pipelines/${seg(pipeline)}/runs`, {
      body,
      idempotencyKey,
    });
  }

  async getPipelineRun(runId: string): Promise<ApiPipelineRun> {
    const answer = await this.request<ApiPipelineRun>(
      'GET',
      `/v1/pipeline-runs/${seg(runId)}`,
    );
    return answer.data;
  }

  // --- transport -------------------------------------------------------------------------

  /** A read; undefined when the API answers 404. */
  private async find<T>(path: string): Promise<T | undefined> {
    try {
      return (await this.request<T>('GET', path)).data;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** A write; a 202 answer (queued in the outbox while a tool is down) is reported as such. */
  private async write<T>(
    method: Method,
    path: string,
    options: RequestOptions,
  ): Promise<WriteResult<T>> {
    const answer = await this.request<any>(method, path, options);
    if (answer.httpStatus === 202 && answer.data?.outbox) {
      return {
        resource: answer.data.resource as T,
        queued: answer.data.outbox as ApiOutboxRef,
        message: answer.message,
      };
    }
    return { resource: answer.data as T, message: answer.message };
  }

  private async request<T>(
    method: Method,
    path: string,
    options: RequestOptions = {},
  ): Promise<{ httpStatus: number; message: string; data: T }> {
    const baseUrl = await this.discovery.getBaseUrl(PLUGIN_ID);
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: this.credentials,
      targetPluginId: PLUGIN_ID,
    });
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
    };
    if (options.body) headers['Content-Type'] = 'application/json';
    if (options.idempotencyKey) {
      headers['Idempotency-Key'] = options.idempotencyKey;
    }
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: options.body ? JSON.stringify(options.body) : undefined,
        signal: this.signal,
      });
    } catch (error) {
      if (this.signal?.aborted) throw error;
      throw new ServiceUnavailableError(
        `The llm-ops API could not be reached (${method} ${path}): ${
          (error as Error)?.message ?? error
        }`,
        error,
      );
    }
    const text = await response.text();
    let envelope: { status?: string; message?: string; data?: unknown };
    try {
      envelope = text ? JSON.parse(text) : {};
    } catch {
      envelope = {};
    }
    if (!response.ok) {
      const message = `llm-ops answered ${method} ${path} with ${
        response.status
      }: ${envelope.message ?? response.statusText}`;
      const ErrorClass = errorByStatus[response.status];
      throw ErrorClass ? new ErrorClass(message) : new Error(message);
    }
    return {
      httpStatus: response.status,
      message: envelope.message ?? '',
      data: envelope.data as T,
    };
  }
}
