export { ArgoServerOrchestrationAdapter } from './ArgoServerOrchestrationAdapter';
export {
  ArgoServerApiError,
  ArgoServerClient,
  ArgoServerRequestError,
} from './ArgoServerClient';
export type { ArgoServerClientOptions } from './ArgoServerClient';
export { readArgoServers } from './config';
export type { ArgoServerConfig } from './config';
