export { RayServeServingAdapter } from './RayServeServingAdapter';
export type { RayServeServingAdapterOptions } from './RayServeServingAdapter';
export { MANAGED_BY_VALUE } from './application';
export type { RayServeEndpoint, RayServeApplicationArgs } from './application';
