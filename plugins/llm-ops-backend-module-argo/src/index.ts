/***/
/**
 * The argo backend module for the llm-ops plugin.
 *
 * @packageDocumentation
 */

export { llmOpsModuleArgo as default } from './module';
