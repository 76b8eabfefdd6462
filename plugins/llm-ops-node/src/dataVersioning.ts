import type { LlmOpsIntegration } from './integration';

/** @public */
export type DatasetVersionRecord = {
  datasetName: string;
  version: string;
  uri: string;
  digest?: string;
  sizeBytes?: number;
  fileCount?: number;
  format?: string;
  source: { repository: string; path: string; revision: string };
  createdAt?: number;
};

/** @public */
export type StageLineage = { stage: string; deps: string[]; outs: string[] };

/**
 * Data versioning (DVC). Read-only: datasets and their versions come from repositories.
 *
 * @public
 */
export interface DataVersioningAdapter extends LlmOpsIntegration {
  readonly category: 'data-versioning';
  listDatasetVersions(): Promise<DatasetVersionRecord[]>;
  listStageLineage?(): Promise<StageLineage[]>;
}
