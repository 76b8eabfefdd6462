export { PipelinePage, PipelineRuns } from './PipelinePage';
