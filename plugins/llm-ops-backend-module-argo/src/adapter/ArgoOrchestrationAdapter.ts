import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type {
  ExternalRef,
  IntegrationHealth,
  OrchestrationAdapter,
  PipelineRunState,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  KubernetesAdapterError,
  KubernetesClusterClient,
  KubernetesHealthCheck,
  LLM_OPS_LABELS,
  MANAGED_BY_VALUE,
  managedLabels,
  managedSelector,
  readKubernetesClusters,
  watchObjects,
} from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
import { toPipelineRunState } from '../workflow/read';
import {
  CLUSTER_WORKFLOW_TEMPLATES,
  COMPLETED_PHASES,
  WORKFLOWS,
  WORKFLOW_TEMPLATES,
} from '../workflow/resources';
import {
  buildWorkflow,
  checkSubmitInput,
  type SubmitInput,
} from '../workflow/submit';

/** @public */
export type ArgoOrchestrationAdapterOptions = {
  client: KubernetesClusterClient;
  logger?: LoggerService;
  /** Passed to the watch loop; see `watchObjects`. */
  watch?: {
    timeoutSeconds?: number;
    backoff?: { initialMs?: number; maxMs?: number };
  };
};

type WorkflowRef = { name: string; cluster?: string; namespace?: string };

/**
 * The orchestration adapter for Argo Workflows on one Kubernetes cluster, through the Kubernetes
 * API (the CRDs), with the id `argo:<cluster>`. No Argo Server is needed.
 *
 * It submits Workflows from WorkflowTemplates and ClusterWorkflowTemplates, reads and watches
 * them, and stops or terminates them the way Argo's CLI and server do it (a merge patch of
 * `spec.shutdown`, which the workflow controller acts on). It cannot retry: Argo implements retry
 * in its server and CLI, not in the controller (they rewrite the failed nodes of the status and
 * delete their pods), so retrying needs the Argo Server adapter (`argo-server:<name>`).
 *
 * @public
 */
export class ArgoOrchestrationAdapter implements OrchestrationAdapter {
  readonly id: string;
  readonly category = 'orchestration' as const;
  readonly capabilities: ReadonlySet<string> = new Set([
    'stop',
    'terminate',
    'watch',
  ]);
  private readonly client: KubernetesClusterClient;
  private readonly logger?: LoggerService;
  private readonly health: KubernetesHealthCheck;
  private readonly watchOptions: ArgoOrchestrationAdapterOptions['watch'];

  constructor(options: ArgoOrchestrationAdapterOptions) {
    this.client = options.client;
    this.logger = options.logger;
    this.id = `argo:${options.client.name}`;
    this.health = new KubernetesHealthCheck(options.client, WORKFLOWS);
    this.watchOptions = options.watch;
  }

  /**
   * One adapter per cluster under `llmOps.kubernetes.clusters` (the config the KServe module
   * reads too); none without that config.
   */
  static fromConfig(
    config: Config,
    options: { logger?: LoggerService } = {},
  ): ArgoOrchestrationAdapter[] {
    return readKubernetesClusters(config).map(
      cluster =>
        new ArgoOrchestrationAdapter({
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
   * Creates a Workflow that runs the template with the given parameters. The template must exist
   * (404 otherwise): without an Argo Server nothing else would check it before the controller
   * fails the Workflow.
   */
  async submit(input: SubmitInput): Promise<ExternalRef & { name: string }> {
    this.checkCluster(input.cluster);
    checkSubmitInput(input);
    const namespace = input.namespace ?? this.client.defaultNamespace;
    const { kind, name } = input.templateRef;
    const clusterScoped = kind === 'ClusterWorkflowTemplate';
    const template = await this.client.get(
      clusterScoped ? CLUSTER_WORKFLOW_TEMPLATES : WORKFLOW_TEMPLATES,
      { namespace, name },
    );
    if (!template) {
      throw new KubernetesAdapterError(
        404,
        clusterScoped
          ? `ClusterWorkflowTemplate ${name} not found on cluster '${this.client.name}'`
          : `WorkflowTemplate ${namespace}/${name} not found on cluster '${this.client.name}'`,
      );
    }
    const created = await this.client.create(
      WORKFLOWS,
      namespace,
      buildWorkflow(input, {
        namespace,
        labels: managedLabels(this.client.name),
      }),
    );
    const createdName = created.metadata?.name ?? '';
    return { externalId: `${namespace}/${createdName}`, name: createdName };
  }

  /** The Workflow's state; `undefined` when it does not exist. */
  async get(ref: WorkflowRef): Promise<PipelineRunState | undefined> {
    this.checkCluster(ref.cluster);
    const workflow = await this.client.get(WORKFLOWS, ref);
    return (
      workflow && toPipelineRunState(workflow, { cluster: this.client.name })
    );
  }

  /** Stops the Workflow: running steps finish, exit handlers run, nothing new starts. */
  stop(ref: WorkflowRef): Promise<void> {
    return this.shutdown(ref, 'Stop');
  }

  /** Terminates the Workflow: running steps are killed, exit handlers do not run. */
  terminate(ref: WorkflowRef): Promise<void> {
    return this.shutdown(ref, 'Terminate');
  }

  /**
   * Reports every managed Workflow of this cluster now, then every change (the controller writes
   * the status with the object, so progress and nodes come as changes) until `signal` aborts.
   * Reconnects with backoff when the watch ends or fails; resolves when `signal` aborts.
   */
  watch(
    onChange: (state: PipelineRunState, deleted: boolean) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return watchObjects({
      client: this.client,
      type: WORKFLOWS,
      labelSelector: managedSelector(this.client.name),
      onEvent: (object, deleted) =>
        onChange(
          toPipelineRunState(object, { cluster: this.client.name }),
          deleted,
        ),
      signal,
      logger: this.logger,
      timeoutSeconds: this.watchOptions?.timeoutSeconds,
      backoff: this.watchOptions?.backoff,
    });
  }

  /**
   * What Argo's `stop`/`terminate` do (workflow/util `patchShutdownStrategy`): read the Workflow,
   * refuse a completed one, else merge-patch `spec.shutdown`. Repeating it is harmless: a
   * completed Workflow that already has a shutdown strategy is left as it is.
   */
  private async shutdown(
    ref: WorkflowRef,
    strategy: 'Stop' | 'Terminate',
  ): Promise<void> {
    this.checkCluster(ref.cluster);
    const namespace = ref.namespace ?? this.client.defaultNamespace;
    const workflow = await this.client.get(WORKFLOWS, {
      namespace,
      name: ref.name,
    });
    if (!workflow) {
      throw new KubernetesAdapterError(
        404,
        `Workflow ${namespace}/${ref.name} not found on cluster '${this.client.name}'`,
      );
    }
    const labels = workflow.metadata?.labels ?? {};
    if (
      labels[LLM_OPS_LABELS.managedBy] !== MANAGED_BY_VALUE ||
      labels[LLM_OPS_LABELS.cluster] !== this.client.name
    ) {
      throw new KubernetesAdapterError(
        409,
        `Workflow ${namespace}/${ref.name} on cluster '${this.client.name}' is not managed by llm-ops through this cluster entry`,
      );
    }
    if (COMPLETED_PHASES.has(workflow.status?.phase)) {
      if (workflow.spec?.shutdown) return;
      throw new KubernetesAdapterError(
        409,
        `Workflow ${namespace}/${ref.name} on cluster '${this.client.name}' has completed (${workflow.status.phase}); it cannot be shut down`,
      );
    }
    await this.client.mergePatch(
      WORKFLOWS,
      { namespace, name: ref.name },
      { spec: { shutdown: strategy } },
    );
  }

  private checkCluster(cluster: string | undefined) {
    if (cluster !== undefined && cluster !== this.client.name) {
      throw new KubernetesAdapterError(
        400,
        `The pipeline runs on cluster '${cluster}', but this adapter (${this.id}) serves cluster '${this.client.name}'`,
      );
    }
  }
}
