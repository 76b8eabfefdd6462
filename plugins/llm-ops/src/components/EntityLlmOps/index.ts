export { EntityLlmOpsContent } from './EntityLlmOpsContent';
export { EntityLlmOpsCard } from './EntityLlmOpsCard';
