import type { LlmOpsIntegration } from './integration';

/**
 * One version of a dataset as a data-versioning tool sees it: for DVC, a tracked path (a `.dvc`
 * file's output or a `dvc.lock` stage output) at one git revision or tag.
 *
 * @public
 */
export type DatasetVersionRecord = {
  /** The dataset's name in llm-ops; stable across versions (e.g. `<repo name>/<path>`). */
  datasetName: string;
  /** The version label: the git tag when the revision has one, else the short commit id. */
  version: string;
  /** Where the data lives: the DVC remote object URL when a remote is configured, else the path in the repository. */
  uri: string;
  /** Content hash, e.g. `md5:3863d0e3...` or `md5:...dir` for directories. */
  digest?: string;
  sizeBytes?: number;
  fileCount?: number;
  format?: string;
  description?: string;
  /** The DVC remote's URL (not the object URL), when one is configured. */
  remoteUrl?: string;
  source: { repository: string; path: string; revision: string };
  /** A link to the dataset in its tool or repository browser. */
  url?: string;
  createdAt?: number;
};

/**
 * A dataset version named by a stage: the dataset's name and the version label, as in
 * DatasetVersionRecord.
 *
 * @public
 */
export type DatasetVersionRef = { datasetName: string; version: string };

/**
 * One execution of a pipeline stage recorded by the data-versioning tool (a `dvc.lock` stage at
 * a revision): which dataset versions it read and which it wrote. Dependencies that are not
 * datasets (code, params files) are left out.
 *
 * @public
 */
export type StageLineage = {
  /** The stage's name in `dvc.yaml`, e.g. `train`. */
  stage: string;
  /** The repository the stage belongs to, as in DatasetVersionRecord.source.repository. */
  repository: string;
  /** The git revision (full commit id) of the `dvc.lock` the stage was read from. */
  revision: string;
  /** The version label of that revision, as in DatasetVersionRecord.version. */
  version: string;
  /** The commit time of the revision, ms since epoch. */
  committedAt?: number;
  cmd?: string;
  /** Parameter values recorded in `dvc.lock`, flattened to `file:key` => value. */
  params: Record<string, string>;
  deps: DatasetVersionRef[];
  outs: DatasetVersionRef[];
};

/**
 * Data versioning (DVC). Read-only: datasets and their versions come from repositories.
 *
 * @public
 */
export interface DataVersioningAdapter extends LlmOpsIntegration {
  readonly category: 'data-versioning';
  /** Every version of every dataset the adapter is configured to read. */
  listDatasetVersions(): Promise<DatasetVersionRecord[]>;
  /** The stages recorded at each revision read; empty when the repositories have no pipelines. */
  listStageLineage?(): Promise<StageLineage[]>;
}
