import type { ServedEndpointState } from '@llm-ops/backstage-plugin-llm-ops-node';
import type { KubernetesObject } from '../kubernetes';
import { KSERVE_ANNOTATIONS } from './inferenceService';

type Condition = ServedEndpointState['conditions'][number];
type Traffic = ServedEndpointState['traffic'][number];

/**
 * What an InferenceService reports, as llm-ops' ServedEndpointState. Everything comes from
 * `status` (what the KServe controller observed), except the model version ids, which only the
 * adapter's annotations know: KServe names revisions, not model versions.
 *
 * - `state`: the `Ready` condition; `Unknown` while the controller has not reported it.
 * - `traffic`: `status.components.predictor.traffic`. With two targets, the one on the latest
 *   revision (`latestRevision: true`, tag `latest`) is the canary and the other (tag `prev`, the
 *   previously rolled-out revision) the stable version. A single target is the stable one.
 *   Empty until the controller reports traffic (always in KServe's Standard/RawDeployment mode,
 *   which routes without Knative revisions).
 */
export function toServedEndpointState(
  object: KubernetesObject,
  cluster: string,
): ServedEndpointState {
  const status = object.status ?? {};
  const conditions = readConditions(status.conditions);
  const ready = conditions.find(c => c.type === 'Ready');
  const predictor = status.components?.predictor ?? {};
  const state: ServedEndpointState = {
    name: object.metadata?.name ?? '',
    cluster,
    namespace: object.metadata?.namespace,
    url: stringOr(status.url) ?? stringOr(status.address?.url) ?? null,
    state: stateOf(ready),
    conditions,
    traffic: readTraffic(predictor, object.metadata?.annotations ?? {}),
  };
  const latestReady = stringOr(predictor.latestReadyRevision);
  const latestRolledOut = stringOr(predictor.latestRolledoutRevision);
  if (latestReady) state.latestReadyRevision = latestReady;
  if (latestRolledOut) state.latestRolledOutRevision = latestRolledOut;
  return state;
}

function stateOf(ready: Condition | undefined): ServedEndpointState['state'] {
  if (ready?.status === 'True') return 'Ready';
  if (ready?.status === 'False') return 'NotReady';
  return 'Unknown';
}

function readConditions(value: unknown): Condition[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(c => c && typeof c.type === 'string')
    .map(c => {
      const condition: Condition = {
        type: c.type,
        status:
          c.status === 'True' || c.status === 'False' ? c.status : 'Unknown',
      };
      if (stringOr(c.reason)) condition.reason = c.reason;
      if (stringOr(c.message)) condition.message = c.message;
      if (stringOr(c.lastTransitionTime))
        condition.lastTransitionTime = c.lastTransitionTime;
      return condition;
    });
}

function readTraffic(
  predictor: any,
  annotations: Record<string, string>,
): Traffic[] {
  const targets: any[] = Array.isArray(predictor.traffic)
    ? predictor.traffic.filter((t: any) => t && typeof t === 'object')
    : [];
  if (targets.length === 0) return [];
  const latestCreated = stringOr(predictor.latestCreatedRevision);
  const isLatest = (t: any) =>
    t.latestRevision === true ||
    t.tag === 'latest' ||
    (latestCreated !== undefined && t.revisionName === latestCreated);
  const stableId = annotations[KSERVE_ANNOTATIONS.stableModelVersionId];
  const canaryId = annotations[KSERVE_ANNOTATIONS.canaryModelVersionId];
  const servedId = annotations[KSERVE_ANNOTATIONS.modelVersionId];

  return targets.map(t => {
    const split = targets.length > 1;
    const role: Traffic['role'] = split && isLatest(t) ? 'canary' : 'stable';
    // The latest revision runs what the spec says; older revisions run the stable version.
    let modelVersionId: string | undefined;
    if (role === 'canary') modelVersionId = canaryId ?? servedId;
    else if (!split && isLatest(t)) modelVersionId = servedId;
    else modelVersionId = stableId;
    const entry: Traffic = {
      percent: typeof t.percent === 'number' ? t.percent : 0,
      role,
    };
    const revision = stringOr(t.revisionName);
    if (revision) entry.revision = revision;
    if (modelVersionId) entry.modelVersionId = modelVersionId;
    return entry;
  });
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
