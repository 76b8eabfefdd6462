export interface Config {
  /** Configuration of the llm-ops plugin suite. */
  llmOps?: {
    /**
     * Argo Servers for the llm-ops Argo module, reached through their REST API. Each one gets an
     * orchestration adapter `argo-server:<name>`. Clusters without an Argo Server are configured
     * under `llmOps.kubernetes.clusters` (see the KServe module's config) and get an adapter
     * `argo:<cluster>` that works through the Kubernetes API instead, which cannot retry.
     */
    argo?: {
      /** The Argo Servers; names must be unique. */
      servers: Array<{
        /**
         * Identifies the server; the adapter's id is `argo-server:<name>`. At most 63 letters,
         * digits, `.`, `_` and `-`.
         */
        name: string;
        /** The server's root URL, e.g. `https://argo.example.com:2746`. */
        baseUrl: string;
        /**
         * A Kubernetes bearer token for Argo's `client` auth mode, sent as
         * `Authorization: Bearer <token>` (a leading `Bearer ` in the value is kept as is).
         * @visibility secret
         */
        token?: string;
        /**
         * The CA certificate that signed the server's TLS certificate (Argo's own is
         * self-signed): base64 of the PEM, or the PEM itself.
         */
        caData?: string;
        /** Where Workflows go when a pipeline names no namespace. Defaults to `default`. */
        defaultNamespace?: string;
        /** Per-request timeout in milliseconds, answer included. Defaults to 30000. */
        timeoutMs?: number;
      }>;
    };
  };
}
