/***/
/**
 * The llm-ops backend module for the scaffolder plugin.
 *
 * @packageDocumentation
 */

export { scaffolderModuleLlmOps as default } from './module';
