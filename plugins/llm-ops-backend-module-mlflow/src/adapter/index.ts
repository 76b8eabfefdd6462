export { MlflowTrackingAdapter } from './MlflowTrackingAdapter';
export { MlflowRegistryAdapter } from './MlflowRegistryAdapter';
export { createMlflowClient } from './options';
export type { MlflowAdapterOptions } from './options';
export { MlflowAdapterInputError } from './errors';
