import type { LlmOpsIntegration } from './integration';

/** @public */
export type TrafficTarget = {
  /** Storage URI of the model version's artifacts, e.g. s3://models/classifier/3 */
  storageUri: string;
  modelFormat: string;
  modelVersionId: string;
  percent: number;
  role: 'stable' | 'canary';
};

/** @public */
export type ServedEndpointState = {
  name: string;
  cluster?: string;
  namespace?: string;
  url: string | null;
  state: 'Ready' | 'NotReady' | 'Unknown';
  conditions: Array<{
    type: string;
    status: 'True' | 'False' | 'Unknown';
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }>;
  traffic: Array<{
    revision?: string;
    percent: number;
    role: 'stable' | 'canary';
    modelVersionId?: string;
  }>;
  latestReadyRevision?: string;
  latestRolledOutRevision?: string;
};

/**
 * Model serving (KServe, Ray Serve). Capabilities: `canary`, `watch`, `scale`.
 *
 * @public
 */
export interface ServingAdapter extends LlmOpsIntegration {
  readonly category: 'serving';
  apply(endpoint: {
    name: string;
    cluster?: string;
    namespace?: string;
    runtime?: string;
    minReplicas?: number;
    maxReplicas?: number;
    traffic: TrafficTarget[];
  }): Promise<ServedEndpointState>;
  remove(endpoint: {
    name: string;
    cluster?: string;
    namespace?: string;
  }): Promise<void>;
  list(): Promise<ServedEndpointState[]>;
  /** Calls back on every change the tool reports, until the signal aborts. */
  watch?(
    onChange: (state: ServedEndpointState, deleted: boolean) => void,
    signal: AbortSignal,
  ): Promise<void>;
}
