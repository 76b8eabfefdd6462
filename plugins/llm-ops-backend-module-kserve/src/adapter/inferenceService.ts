import type {
  ServingAdapter,
  TrafficTarget,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  KubernetesAdapterError,
  managedLabels,
  type CustomResourceType,
  type KubernetesObject,
} from '../kubernetes';

/** `serving.kserve.io/v1beta1` InferenceServices. */
export const INFERENCE_SERVICES: CustomResourceType = {
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices',
  namespaced: true,
};

/**
 * Annotations on the InferenceServices the adapter applies: which llm-ops model versions they
 * serve. KServe's status names revisions, not models; these tie the two together.
 *
 * @public
 */
export const KSERVE_ANNOTATIONS = {
  /** The version in `spec.predictor`: the canary's during a canary rollout, else the stable's. */
  modelVersionId: 'llm-ops/model-version-id',
  /** The version that keeps the rest of the traffic (KServe's previously rolled-out revision). */
  stableModelVersionId: 'llm-ops/stable-model-version-id',
  /** Only during a canary rollout: the version that takes `canaryTrafficPercent`. */
  canaryModelVersionId: 'llm-ops/canary-model-version-id',
} as const;

/**
 * What `KServeServingAdapter.apply` takes: the serving contract's endpoint plus, optionally, the
 * model container's resources.
 *
 * @public
 */
export type KServeEndpoint = Parameters<ServingAdapter['apply']>[0] & {
  /** `spec.predictor.model.resources`, e.g. `{ limits: { 'nvidia.com/gpu': '1' } }`. */
  resources?: {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
};

/** The traffic of an endpoint as KServe can run it: one stable version, maybe one canary. */
export type SplitTraffic = {
  stable: TrafficTarget;
  canary?: TrafficTarget;
};

/**
 * Checks that the traffic is what KServe's canary rollout can express: exactly one stable target,
 * at most one canary, whole percentages adding up to 100. Anything else is a 400.
 */
export function splitTraffic(traffic: TrafficTarget[]): SplitTraffic {
  const bad = (message: string) => new KubernetesAdapterError(400, message);
  if (!Array.isArray(traffic) || traffic.length === 0) {
    throw bad('An InferenceService needs a traffic target; got none');
  }
  const stables = traffic.filter(t => t.role === 'stable');
  const canaries = traffic.filter(t => t.role === 'canary');
  if (stables.length !== 1 || canaries.length > 1) {
    throw bad(
      `KServe serves one stable version and at most one canary; got ${stables.length} stable and ${canaries.length} canary targets`,
    );
  }
  if (stables.length + canaries.length !== traffic.length) {
    throw bad(`Unknown traffic role; expected 'stable' or 'canary'`);
  }
  for (const target of traffic) {
    if (
      !Number.isInteger(target.percent) ||
      target.percent < 0 ||
      target.percent > 100
    ) {
      throw bad(
        `Traffic percent must be a whole number from 0 to 100; got ${target.percent} for the ${target.role} target`,
      );
    }
    if (!target.storageUri?.trim() || !target.modelFormat?.trim()) {
      throw bad(
        `The ${target.role} target needs a storageUri and a modelFormat`,
      );
    }
  }
  const [stable] = stables;
  const [canary] = canaries;
  const total = stable.percent + (canary?.percent ?? 0);
  if (total !== 100) {
    throw bad(
      `The traffic percentages must add up to 100; they add up to ${total}`,
    );
  }
  return canary ? { stable, canary } : { stable };
}

/**
 * KServe's validation webhook rules for replicas, which a cluster without the webhook (and the
 * CRD schema) does not enforce: no negative counts, and min not above max unless max is 0
 * (KServe's "no limit").
 */
function checkReplicas(minReplicas?: number, maxReplicas?: number) {
  if (minReplicas !== undefined && minReplicas < 0) {
    throw new KubernetesAdapterError(
      400,
      `minReplicas cannot be less than 0; got ${minReplicas}`,
    );
  }
  if (maxReplicas !== undefined && maxReplicas < 0) {
    throw new KubernetesAdapterError(
      400,
      `maxReplicas cannot be less than 0; got ${maxReplicas}`,
    );
  }
  if (
    minReplicas !== undefined &&
    maxReplicas !== undefined &&
    maxReplicas !== 0 &&
    minReplicas > maxReplicas
  ) {
    throw new KubernetesAdapterError(
      400,
      `minReplicas (${minReplicas}) cannot be greater than maxReplicas (${maxReplicas})`,
    );
  }
}

/**
 * The InferenceService llm-ops wants for an endpoint, as a server-side apply body.
 *
 * KServe's canary rollout: `spec.predictor` always describes the NEWEST model, and
 * `canaryTrafficPercent` is the share that this newest revision gets; the previously rolled-out
 * revision keeps the rest. So a stable + canary split puts the canary's model in the predictor
 * and the canary's percent (not the stable's) in `canaryTrafficPercent`. A stable-only endpoint
 * (a plain deploy, a promote, a rollback) puts the stable model in the predictor with no
 * `canaryTrafficPercent`, which server-side apply then removes if llm-ops had set it.
 */
export function buildInferenceService(
  endpoint: KServeEndpoint,
  cluster: { name: string; namespace: string },
): KubernetesObject {
  const { stable, canary } = splitTraffic(endpoint.traffic);
  checkReplicas(endpoint.minReplicas, endpoint.maxReplicas);
  const served = canary ?? stable;

  const annotations: Record<string, string> = {
    [KSERVE_ANNOTATIONS.modelVersionId]: served.modelVersionId,
    [KSERVE_ANNOTATIONS.stableModelVersionId]: stable.modelVersionId,
  };
  if (canary) {
    annotations[KSERVE_ANNOTATIONS.canaryModelVersionId] =
      canary.modelVersionId;
  }

  const model: Record<string, unknown> = {
    modelFormat: { name: served.modelFormat },
    storageUri: served.storageUri,
  };
  if (endpoint.runtime) model.runtime = endpoint.runtime;
  if (endpoint.resources) model.resources = endpoint.resources;

  const predictor: Record<string, unknown> = {};
  if (endpoint.minReplicas !== undefined)
    predictor.minReplicas = endpoint.minReplicas;
  if (endpoint.maxReplicas !== undefined)
    predictor.maxReplicas = endpoint.maxReplicas;
  if (canary) predictor.canaryTrafficPercent = canary.percent;
  predictor.model = model;

  return {
    apiVersion: `${INFERENCE_SERVICES.group}/${INFERENCE_SERVICES.version}`,
    kind: 'InferenceService',
    metadata: {
      name: endpoint.name,
      namespace: cluster.namespace,
      labels: managedLabels(cluster.name),
      annotations,
    },
    spec: { predictor },
  };
}
