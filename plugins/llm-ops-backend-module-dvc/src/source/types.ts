/** One git revision of a DVC repository that the adapter reads. */
export type Revision = {
  /** The full commit id; for a URL repository whose reader gives none, the ref itself. */
  sha: string;
  /** The version label of everything read at this revision: a tag or ref name, else a short id. */
  label: string;
  /** The commit time in epoch milliseconds, when the source knows it. */
  createdAt?: number;
};

/** The DVC metadata files of one revision: repository path => text. */
export type MetadataFiles = Map<string, string>;

/** What `revisions()` found, plus what it could not read (reported as degraded health). */
export type RevisionList = { revisions: Revision[]; problems: string[] };

/**
 * Where a repository's history is read from: a local checkout (git CLI) or a URL (Backstage's
 * URL reader). Revisions are immutable, so the adapter asks for a revision's files only once.
 */
export interface RepositorySource {
  /** How the repository is named in records (`source.repository`): its path or URL. */
  readonly repository: string;
  /** The root of a local checkout, where relative DVC remotes are resolved from. */
  readonly checkoutRoot?: string;
  /** The revisions to read, oldest first, without duplicates. */
  revisions(): Promise<RevisionList>;
  /** The DVC metadata files (see isMetadataPath) at a revision from the last `revisions()`. */
  files(revision: Revision): Promise<MetadataFiles>;
  /** A link to a file at a revision in the repository's browser, when there is one. */
  browseUrl?(revision: Revision, path: string): string;
  /** Throws, with a message that says why, when the repository cannot be read. */
  check(): Promise<void>;
}
