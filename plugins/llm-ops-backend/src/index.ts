/**
 * The llm-ops backend plugin: the /llm-ops/v1 REST API, the store, sync loops and the outbox.
 *
 * @packageDocumentation
 */
export { llmOpsPlugin as default } from './plugin';
export * from './permissions';
