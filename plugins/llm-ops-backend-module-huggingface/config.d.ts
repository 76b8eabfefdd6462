export interface Config {
  /** Configuration of the llm-ops plugin suite. */
  llmOps?: {
    /**
     * Hugging Face hubs for the llm-ops Hugging Face module: it registers a read-only model
     * registry adapter `huggingface:<name>` per hub, whose models (by repo id or by author) the
     * llm-ops backend imports and keeps in sync next to those of the active model registry.
     */
    huggingface?: {
      /** The hubs; names must be unique. */
      hubs: Array<{
        /**
         * Identifies the hub; part of the adapter id. At most 63 letters, digits, `.`, `_` and
         * `-`, starting and ending with a letter or digit.
         */
        name: string;
        /**
         * The hub's URL: `https://huggingface.co` (the default), or a mirror or self-hosted hub
         * that serves the Hub's API. A path prefix is kept.
         */
        url?: string;
        /**
         * A Hugging Face access token (read scope is enough), sent as `Authorization: Bearer`.
         * Needed for private and gated models, and it raises the Hub's rate limits. It must start
         * with `hf_`.
         * @visibility secret
         */
        token?: string;
        /** Repo ids (`org/name`) of models to import. */
        models?: string[];
        /** Users or organisations whose every model is imported. */
        authors?: string[];
        /**
         * How many of the newest commits of a model's default branch become versions.
         * Defaults to 20.
         */
        maxRevisions?: number;
      }>;
    };
  };
}
