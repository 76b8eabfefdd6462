export { readKubernetesClusters } from './config';
export type { KubernetesClusterConfig } from './config';
export {
  KubernetesClusterClient,
  FIELD_MANAGER,
} from './KubernetesClusterClient';
export type {
  CustomResourceType,
  KubernetesObject,
  KubernetesObjectList,
} from './KubernetesClusterClient';
export {
  KubernetesAdapterError,
  KubernetesApiError,
  KubernetesRequestError,
} from './errors';
export type { KubernetesErrorCause } from './errors';
export { watchObjects } from './watch';
export type { WatchObjectsOptions } from './watch';
export {
  LLM_OPS_LABELS,
  MANAGED_BY_VALUE,
  managedLabels,
  managedSelector,
} from './labels';
export { KubernetesHealthCheck } from './health';
