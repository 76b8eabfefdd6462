export { PipelineRunPage } from './PipelineRunPage';
