export { ExperimentPage, ExperimentRuns } from './ExperimentPage';
export { useRunSearch } from './useRunSearch';
