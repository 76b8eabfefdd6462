import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type {
  IntegrationHealth,
  ServedEndpointState,
  ServingAdapter,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  KubernetesAdapterError,
  KubernetesClusterClient,
  KubernetesHealthCheck,
  LLM_OPS_LABELS,
  readKubernetesClusters,
  MANAGED_BY_VALUE,
  managedSelector,
  watchObjects,
  type KubernetesObject,
} from '../kubernetes';
import {
  INFERENCE_SERVICES,
  KSERVE_ANNOTATIONS,
  buildInferenceService,
  splitTraffic,
  type KServeEndpoint,
} from './inferenceService';
import { toServedEndpointState } from './read';

/** @public */
export type KServeServingAdapterOptions = {
  client: KubernetesClusterClient;
  logger?: LoggerService;
  /** Passed to the watch loop; see `watchObjects`. */
  watch?: {
    timeoutSeconds?: number;
    backoff?: { initialMs?: number; maxMs?: number };
  };
};

/**
 * The serving adapter for KServe on one Kubernetes cluster, with the id `kserve:<cluster>`. It
 * translates llm-ops endpoints into `serving.kserve.io/v1beta1` InferenceServices (server-side
 * apply, field manager `llm-ops`) and their status back; retries, ordering and the traffic rules
 * stay in the llm-ops backend.
 *
 * Only InferenceServices labelled `app.kubernetes.io/managed-by: llm-ops` and
 * `llm-ops/cluster: <cluster>` are listed, watched, changed or deleted; an InferenceService of the
 * same name that someone else manages is left alone (409).
 *
 * @public
 */
export class KServeServingAdapter implements ServingAdapter {
  readonly id: string;
  readonly category = 'serving' as const;
  readonly capabilities: ReadonlySet<string> = new Set([
    'canary',
    'watch',
    'scale',
  ]);
  private readonly client: KubernetesClusterClient;
  private readonly logger?: LoggerService;
  private readonly health: KubernetesHealthCheck;
  private readonly watchOptions: KServeServingAdapterOptions['watch'];

  constructor(options: KServeServingAdapterOptions) {
    this.client = options.client;
    this.logger = options.logger;
    this.id = `kserve:${options.client.name}`;
    this.health = new KubernetesHealthCheck(options.client, INFERENCE_SERVICES);
    this.watchOptions = options.watch;
  }

  /**
   * One adapter per cluster under `llmOps.kubernetes.clusters`; none without that config. Invalid
   * config or an unreadable kubeconfig file throws, naming the config path.
   */
  static fromConfig(
    config: Config,
    options: { logger?: LoggerService } = {},
  ): KServeServingAdapter[] {
    return readKubernetesClusters(config).map(
      cluster =>
        new KServeServingAdapter({
          client: KubernetesClusterClient.fromCluster(cluster),
          logger: options.logger?.child({ cluster: cluster.name }),
        }),
    );
  }

  /** The cluster's name, as configured. */
  get cluster(): string {
    return this.client.name;
  }

  checkHealth(): Promise<IntegrationHealth> {
    return this.health.check();
  }

  /**
   * Creates or updates the endpoint's InferenceService. A stable-only endpoint (deploy, promote,
   * rollback) serves that version with all the traffic; stable + canary starts or changes a
   * canary rollout, which KServe can only run on top of the stable version it has rolled out, so
   * it is refused (409) when the InferenceService does not exist or was last rolled out with
   * another stable version.
   */
  async apply(endpoint: KServeEndpoint): Promise<ServedEndpointState> {
    this.checkCluster(endpoint.cluster);
    const namespace = endpoint.namespace ?? this.client.defaultNamespace;
    const desired = buildInferenceService(endpoint, {
      name: this.client.name,
      namespace,
    });
    const ref = { namespace, name: endpoint.name };
    const current = await this.client.get(INFERENCE_SERVICES, ref);
    if (current) this.checkManaged(current, 'update');

    const { stable, canary } = splitTraffic(endpoint.traffic);
    if (canary) {
      if (!current) {
        throw new KubernetesAdapterError(
          409,
          `InferenceService ${namespace}/${endpoint.name} does not exist on cluster '${this.client.name}'; a canary needs the stable version rolled out first`,
        );
      }
      const rolledOut =
        current.metadata?.annotations?.[
          KSERVE_ANNOTATIONS.stableModelVersionId
        ];
      if (rolledOut !== stable.modelVersionId) {
        throw new KubernetesAdapterError(
          409,
          `InferenceService ${namespace}/${endpoint.name} on cluster '${
            this.client.name
          }' was rolled out with model version ${
            rolledOut ?? '(none recorded)'
          }, not the canary's stable version ${
            stable.modelVersionId
          }; KServe splits canary traffic with the previously rolled-out revision only`,
        );
      }
    }
    const applied = await this.client.apply(INFERENCE_SERVICES, ref, desired);
    return toServedEndpointState(applied, this.client.name);
  }

  /** Deletes the endpoint's InferenceService; nothing to do when it is already gone. */
  async remove(endpoint: {
    name: string;
    cluster?: string;
    namespace?: string;
  }): Promise<void> {
    this.checkCluster(endpoint.cluster);
    const ref = {
      namespace: endpoint.namespace ?? this.client.defaultNamespace,
      name: endpoint.name,
    };
    const current = await this.client.get(INFERENCE_SERVICES, ref);
    if (!current) return;
    this.checkManaged(current, 'delete');
    await this.client.delete(INFERENCE_SERVICES, ref);
  }

  /** The managed InferenceServices of this cluster, in all namespaces. */
  async list(): Promise<ServedEndpointState[]> {
    const { items } = await this.client.list(INFERENCE_SERVICES, {
      labelSelector: managedSelector(this.client.name),
    });
    return items.map(item => toServedEndpointState(item, this.client.name));
  }

  /**
   * Reports every managed InferenceService now, then every change KServe makes to one (status
   * updates included) until `signal` aborts; deleted ones come with `deleted: true`. Reconnects
   * with backoff when the watch ends or fails; resolves when `signal` aborts.
   */
  watch(
    onChange: (state: ServedEndpointState, deleted: boolean) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return watchObjects({
      client: this.client,
      type: INFERENCE_SERVICES,
      labelSelector: managedSelector(this.client.name),
      onEvent: (object, deleted) =>
        onChange(toServedEndpointState(object, this.client.name), deleted),
      signal,
      logger: this.logger,
      timeoutSeconds: this.watchOptions?.timeoutSeconds,
      backoff: this.watchOptions?.backoff,
    });
  }

  private checkCluster(cluster: string | undefined) {
    if (cluster !== undefined && cluster !== this.client.name) {
      throw new KubernetesAdapterError(
        400,
        `The endpoint is on cluster '${cluster}', but this adapter (${this.id}) serves cluster '${this.client.name}'`,
      );
    }
  }

  private checkManaged(object: KubernetesObject, action: string) {
    const labels = object.metadata?.labels ?? {};
    if (
      labels[LLM_OPS_LABELS.managedBy] !== MANAGED_BY_VALUE ||
      labels[LLM_OPS_LABELS.cluster] !== this.client.name
    ) {
      throw new KubernetesAdapterError(
        409,
        `InferenceService ${object.metadata?.namespace}/${object.metadata?.name} exists on cluster '${this.client.name}' but is not managed by llm-ops through this cluster entry; refusing to ${action} it`,
      );
    }
  }
}
