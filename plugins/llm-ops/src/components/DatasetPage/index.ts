export { DatasetPage, DatasetVersions } from './DatasetPage';
export { useDatasetUsage } from './useDatasetUsage';
