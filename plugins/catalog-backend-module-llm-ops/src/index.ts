/**
 * The catalog module of LLM Ops: the Experiment, Model, Endpoint, Dataset and Pipeline kinds and
 * an entity provider that mirrors the llm-ops store into the catalog.
 *
 * @packageDocumentation
 */

export { catalogModuleLlmOps as default } from './module';
export { LlmOpsEntitiesProcessor } from './processor/LlmOpsEntitiesProcessor';
export {
  LlmOpsEntityProvider,
  type LlmOpsEntityProviderOptions,
} from './provider/LlmOpsEntityProvider';
export {
  llmOpsCatalogCollatorEntityTransformer,
  type CatalogEntityDocumentWithTags,
} from './search/collatorTransformer';
export { searchModuleLlmOpsCatalogCollatorTags } from './search/searchModule';
