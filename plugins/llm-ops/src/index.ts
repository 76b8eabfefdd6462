/**
 * The LLM Ops frontend plugin (new frontend system).
 *
 * @packageDocumentation
 */
export { llmOpsPlugin as default } from './plugin';
export { llmOpsApiRef } from './api/LlmOpsApi';
export type { LlmOpsApi, SubListQuery } from './api/LlmOpsApi';
export * from './api/types';
export { LlmOpsClient, LlmOpsApiError } from './api/LlmOpsClient';
export {
  LLM_OPS_ID_ANNOTATION,
  LLM_OPS_KINDS,
  isLlmOpsAvailable,
  llmOpsIdOf,
} from './annotations';
export type { LlmOpsKind } from './annotations';
