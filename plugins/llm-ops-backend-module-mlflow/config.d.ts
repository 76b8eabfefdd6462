export interface Config {
  /** Configuration of the llm-ops plugin suite. */
  llmOps?: {
    /**
     * MLflow servers for the llm-ops MLflow module. Each one gets an experiment-tracking and a
     * model-registry adapter with the id `mlflow:<id>`.
     */
    mlflow?: {
      /** The MLflow tracking servers; ids must be unique. */
      instances: Array<{
        /**
         * Identifies the server among the instances; the adapters' id is `mlflow:<id>`. Letters,
         * digits, `.`, `_` and `-`.
         */
        id: string;
        /**
         * The server's root URL, for example `https://mlflow.example.com` or
         * `https://gateway.example.com/mlflow`; the module calls `<baseUrl>/api/2.0/mlflow/...`
         * and `<baseUrl>/health`. No credentials in it: use `token` or `username`/`password`.
         */
        baseUrl: string;
        /**
         * Where links into the MLflow UI point (experiment, run and model pages), when users
         * reach the UI at another address than the backend reaches the API. Defaults to `baseUrl`.
         */
        uiBaseUrl?: string;
        /**
         * A bearer token, sent as `Authorization: Bearer <token>`. Not together with
         * `username`/`password`.
         * @visibility secret
         */
        token?: string;
        /** The user for HTTP basic auth (MLflow's `basic-auth` app); needs `password`. */
        username?: string;
        /**
         * The password for HTTP basic auth; needs `username`.
         * @visibility secret
         */
        password?: string;
        /**
         * Per-request timeout in milliseconds, including reading the answer. Defaults to 30000.
         */
        timeoutMs?: number;
      }>;
    };
  };
}
