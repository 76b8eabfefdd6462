/**
 * The Hugging Face Hub module of the llm-ops backend plugin: a read-only model registry adapter
 * per configured hub, whose models the llm-ops backend imports next to those of the active
 * registry.
 *
 * @packageDocumentation
 */

export { llmOpsModuleHuggingFace as default } from './module';
export * from './adapter';
export * from './client';
export { readHuggingFaceHubs } from './config';
export type { HuggingFaceHubConfig } from './config';
