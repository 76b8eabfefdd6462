export interface Config {
  /** Configuration of the llm-ops plugin suite. */
  llmOps?: {
    /**
     * Kubernetes clusters for the llm-ops tool modules that work on them: the KServe module
     * registers a serving adapter `kserve:<name>` per cluster, the Argo module an orchestration
     * adapter `argo:<name>`.
     */
    kubernetes?: {
      /** The clusters; names must be unique. */
      clusters: Array<{
        /**
         * Identifies the cluster; part of the adapter ids and the value of the `llm-ops/cluster`
         * label on every object created through it. At most 63 letters, digits, `.`, `_` and
         * `-`, starting and ending with a letter or digit.
         */
        name: string;
        /**
         * The API server's URL, e.g. `https://k8s.example.com:6443`. Give either this (with
         * `caData` and `token` or a client certificate) or `kubeconfigPath`.
         */
        url?: string;
        /**
         * A kubeconfig file; its current context says the server and the credentials. Not
         * together with `url`, `caData`, `token`, `clientCertData` or `clientKeyData`.
         */
        kubeconfigPath?: string;
        /**
         * The CA certificate(s) that signed the API server's certificate: base64 of the PEM, as
         * in a kubeconfig's `certificate-authority-data`, or the PEM itself.
         */
        caData?: string;
        /**
         * A bearer token, e.g. of a service account, sent as `Authorization: Bearer <token>`.
         * @visibility secret
         */
        token?: string;
        /**
         * The client key of a client certificate: base64 of the PEM (as in a kubeconfig's
         * `client-key-data`) or the PEM itself. Needs `clientCertData`.
         * @visibility secret
         */
        clientKeyData?: string;
        /**
         * The client certificate: base64 of the PEM (as in a kubeconfig's
         * `client-certificate-data`) or the PEM itself. Needs `clientKeyData`.
         */
        clientCertData?: string;
        /**
         * Where InferenceServices and Workflows go when an endpoint or pipeline names no
         * namespace. Defaults to the kubeconfig context's namespace, else `default`.
         */
        defaultNamespace?: string;
      }>;
    };
  };
}
