// What adopters need to write permission policies for llm-ops assets.
export {
  llmOpsAssetPermissionResourceRef,
  type AssetFacts,
  type AssetQuery,
} from './resource';
export {
  llmOpsAssetConditions,
  createLlmOpsAssetConditionalDecision,
} from './conditionExports';
