export { KServeServingAdapter } from './KServeServingAdapter';
export type { KServeServingAdapterOptions } from './KServeServingAdapter';
export { KSERVE_ANNOTATIONS } from './inferenceService';
export type { KServeEndpoint } from './inferenceService';
