export { ArgoOrchestrationAdapter } from './ArgoOrchestrationAdapter';
export type { ArgoOrchestrationAdapterOptions } from './ArgoOrchestrationAdapter';
