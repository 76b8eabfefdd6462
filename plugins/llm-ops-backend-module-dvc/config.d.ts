export interface Config {
  /** Configuration of the llm-ops plugin suite. */
  llmOps?: {
    /**
     * DVC repositories for the llm-ops DVC module: it registers a data-versioning adapter
     * `dvc:<name>` per repository, which reports the datasets that the repository's `.dvc` files
     * and `dvc.lock` stages track, a version of each per git revision where its content changed,
     * and the stages' lineage from `dvc.lock`.
     */
    dvc?: {
      /** The repositories; names must be unique. */
      repositories: Array<{
        /**
         * Identifies the repository; part of the adapter id and of every dataset name
         * (`<name>/<path>`). At most 63 letters, digits, `.`, `_` and `-`, starting and ending
         * with a letter or digit.
         */
        name: string;
        /**
         * A local git checkout, read with the `git` CLI; relative paths are resolved from the
         * backend's working directory. Give either `path` or `url`.
         */
        path?: string;
        /**
         * The repository's web URL, e.g. `https://github.com/org/repo`, read through Backstage's
         * URL reader with the matching `integrations` entry (GitHub, GitLab or Bitbucket Cloud).
         * Give either `path` or `url`; a `url` needs `refs`.
         */
        url?: string;
        /**
         * The branches and tags to read, oldest first. Required with `url` (a URL reader cannot
         * list tags). With `path` it defaults to the current branch's history (at most
         * `maxRevisions` commits) plus every tag.
         */
        refs?: string[];
        /** How many commits of the current branch a local repository reads. Defaults to 50. */
        maxRevisions?: number;
      }>;
    };
  };
}
