import { MlflowExperimentsApi } from './MlflowExperimentsApi';
import { MlflowModelVersionsApi } from './MlflowModelVersionsApi';
import { MlflowRegisteredModelsApi } from './MlflowRegisteredModelsApi';
import { MlflowRunsApi } from './MlflowRunsApi';
import { MlflowTransport, MlflowTransportOptions } from './MlflowTransport';

/** @public */
export type MlflowClientOptions = MlflowTransportOptions;

/**
 * A typed client for MLflow's REST API 2.0 (tracking and model registry). Transport only: it
 * sends and returns MLflow's own wire shapes (see `types.ts`), and throws `MlflowApiError` on
 * non-2xx answers and `MlflowRequestError` on timeouts and connection failures.
 *
 * @example
 * ```ts
 * const mlflow = new MlflowClient({ baseUrl: 'http://127.0.0.1:5000', timeoutMs: 10_000 });
 * const { experiments, nextPageToken } = await mlflow.experiments.search({ filter: "name LIKE 'llm-%'" });
 * ```
 *
 * @public
 */
export class MlflowClient {
  readonly experiments: MlflowExperimentsApi;
  readonly runs: MlflowRunsApi;
  readonly registeredModels: MlflowRegisteredModelsApi;
  readonly modelVersions: MlflowModelVersionsApi;

  private readonly transport: MlflowTransport;

  constructor(options: MlflowClientOptions) {
    const transport = new MlflowTransport(options);
    this.transport = transport;
    this.experiments = new MlflowExperimentsApi(transport);
    this.runs = new MlflowRunsApi(transport);
    this.registeredModels = new MlflowRegisteredModelsApi(transport);
    this.modelVersions = new MlflowModelVersionsApi(transport);
  }

  /**
   * The server's liveness route, `GET /health` (outside the API prefix), which answers `OK`.
   * Returns the body as text; fails like the API calls, within the same timeout.
   */
  async health(): Promise<string> {
    return this.transport.getText('/health');
  }
}
