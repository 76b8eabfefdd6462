export { llmOpsPlugin as default } from './plugin';
