import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** LLM Ops for Backstage: the llm-ops backend plugin. */
  llmOps?: {
    /**
     * The active adapter per tool category, by adapter id (e.g. `mlflow:prod`, `kserve:east`),
     * or `builtin` for the plugin's own store. By default the first adapter a module registers
     * for the category is active, or `builtin` when none is. Swapping tools needs no code change.
     */
    adapters?: {
      /** Experiments and runs, e.g. `mlflow:prod`. */
      experimentTracking?: string;
      /** Registered models and versions, e.g. `mlflow:prod`. */
      modelRegistry?: string;
      /** Serving endpoints, e.g. `kserve:east`. */
      serving?: string;
      /** Pipelines, e.g. `argo:east`. */
      orchestration?: string;
      /** Datasets, e.g. `dvc:datasets`. */
      dataVersioning?: string;
    };
    /**
     * Feature flags per integration: `enabled: false` keeps the adapter registered but unused
     * (reads keep answering from the store, writes stay in the store).
     */
    integrations?: Array<{
      /** Integration id, e.g. `mlflow:prod`. */
      id: string;
      /** Defaults to true. */
      enabled?: boolean;
    }>;
    /** How calls to tools behave when tools are slow or down. */
    resilience?: {
      /** Per attempt, in milliseconds. Default 5000. */
      timeoutMs?: number;
      /** Retries after the first attempt, with jittered exponential backoff. Default 2. */
      retries?: number;
      /** Consecutive failed calls that open an integration's circuit breaker. Default 5. */
      breakerThreshold?: number;
      /** How long an open breaker waits before one trial call, in milliseconds. Default 30000. */
      halfOpenAfterMs?: number;
    };
    /** Keeping the store in step with the tools. */
    sync?: {
      /** Incremental sync interval. Default 10 seconds. */
      frequency?: HumanDuration | string;
      /** Full reconcile interval (finds deletions and late changes). Default 10 minutes. */
      fullReconcileFrequency?: HumanDuration | string;
      /**
       * How far back (by start time) the incremental sync re-reads runs the tool still shows as
       * RUNNING: their metrics change without any time the tool's search can filter on. Older
       * RUNNING runs, typically left behind by jobs that died, are refreshed by the full
       * reconcile only. Default 7 days.
       */
      runningRunsWindow?: HumanDuration | string;
      /**
       * How often read-only sources are re-read: models imported from the Hugging Face Hub
       * (incrementally; fully on the full reconcile) and DVC repositories. Default 5 minutes.
       */
      sourcesFrequency?: HumanDuration | string;
    };
    /** The outbox of writes accepted while a tool was down. */
    outbox?: {
      /** How often the relay replays queued writes. Default 5 seconds. */
      frequency?: HumanDuration | string;
    };
    /** Demo data for the embedded default (`make start`). */
    demoData?: {
      /** Seeds examples/llm-ops-demo.yaml into an empty store at start-up. Default false. */
      enabled?: boolean;
      /** Path of the demo file, relative to the backend's working directory. */
      file?: string;
    };
  };
}
