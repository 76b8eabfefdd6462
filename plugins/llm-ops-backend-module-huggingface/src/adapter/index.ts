export { HuggingFaceModelRegistryAdapter } from './HuggingFaceModelRegistryAdapter';
export type { HuggingFaceAdapterOptions } from './HuggingFaceModelRegistryAdapter';
