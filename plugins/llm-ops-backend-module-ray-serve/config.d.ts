export interface Config {
  /** Configuration of the llm-ops plugin suite. */
  llmOps?: {
    /**
     * Ray clusters for the llm-ops Ray Serve module: it registers a serving adapter
     * `ray-serve:<name>` per cluster, which deploys endpoints as Ray Serve applications through
     * the Serve REST API on the cluster's dashboard.
     */
    rayServe?: {
      /** The clusters; names must be unique. */
      clusters: Array<{
        /**
         * Identifies the cluster; part of the adapter id. At most 63 letters, digits, `.`, `_`
         * and `-`, starting and ending with a letter or digit.
         */
        name: string;
        /**
         * The Ray dashboard's URL, e.g. `http://ray-head:8265`; the Serve REST API is at
         * `<dashboardUrl>/api/serve/applications/`. A path prefix (behind a proxy) is kept.
         */
        dashboardUrl: string;
        /**
         * The cluster's token when Ray's token authentication is on (`RAY_AUTH_MODE=token`),
         * sent as `Authorization: Bearer <token>`.
         * @visibility secret
         */
        token?: string;
        /**
         * Where clients reach Serve's HTTP proxy, e.g. `https://models.example.com`; an
         * endpoint's URL is this plus `/<endpoint name>`. Defaults to the host and port that
         * Serve reports for its proxy.
         */
        serveUrl?: string;
        /**
         * Where Serve's HTTP proxy listens when the adapter's first PUT starts Serve on the
         * cluster (`http_options`). Serve ignores them while it runs; its defaults are
         * `0.0.0.0:8000`.
         */
        httpOptions?: {
          /** The proxy's listen address, e.g. `127.0.0.1`. */
          host?: string;
          /** The proxy's port. */
          port?: number;
        };
        /**
         * The import path of an endpoint's Serve application, with `{modelFormat}` replaced by
         * the model version's format, e.g. `llm_ops_apps.{modelFormat}:build`. The module must
         * be importable on the cluster's workers. Defaults to `{modelFormat}`, so that the
         * format itself is the import path.
         */
        importPath?: string;
        /**
         * The deployment in the application that gets the replica count (`num_replicas` or
         * `autoscaling_config`) and `numCpus`. Defaults to `Model`.
         */
        deploymentName?: string;
        /**
         * CPUs reserved per replica (`ray_actor_options.num_cpus`). Defaults to 0.25.
         */
        numCpus?: number;
        /** How often the adapter's watch polls the cluster, in seconds. Defaults to 5. */
        watchIntervalSeconds?: number;
      }>;
    };
  };
}
