export { PipelinePage, PipelineRuns, PipelineRunPage } from './PipelinePage';
