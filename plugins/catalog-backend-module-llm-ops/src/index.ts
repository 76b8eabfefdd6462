/***/
/**
 * The llm-ops backend module for the catalog plugin.
 *
 * @packageDocumentation
 */

export { catalogModuleLlmOps as default } from './module';
