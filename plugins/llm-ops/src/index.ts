/**
 * The LLM Ops frontend plugin (new frontend system).
 *
 * @packageDocumentation
 */
export { llmOpsPlugin as default } from './plugin';
export { llmOpsApiRef } from './api/LlmOpsApi';
export type { LlmOpsApi, LlmOpsHealth } from './api/LlmOpsApi';
export { LlmOpsClient, LlmOpsApiError } from './api/LlmOpsClient';
