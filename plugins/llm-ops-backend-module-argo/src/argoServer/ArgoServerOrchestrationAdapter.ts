import type { Config } from '@backstage/config';
import {
  IntegrationHealthTracker,
  statusOfError,
  type ExternalRef,
  type IntegrationHealth,
  type OrchestrationAdapter,
  type PipelineRunState,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  KubernetesAdapterError,
  LLM_OPS_LABELS,
  MANAGED_BY_VALUE,
  type KubernetesObject,
} from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
import { toPipelineRunState } from '../workflow/read';
import { checkSubmitInput, type SubmitInput } from '../workflow/submit';
import { ArgoServerClient } from './ArgoServerClient';
import { readArgoServers, type ArgoServerConfig } from './config';

type WorkflowRef = { name: string; cluster?: string; namespace?: string };

/**
 * The orchestration adapter for an Argo Server, through its REST API, with the id
 * `argo-server:<name>`. Unlike the Kubernetes-API adapter (`argo:<cluster>`) it can retry, since
 * Argo implements retry in its server: `PUT /api/v1/workflows/{namespace}/{name}/retry`.
 *
 * @public
 */
export class ArgoServerOrchestrationAdapter implements OrchestrationAdapter {
  readonly id: string;
  readonly category = 'orchestration' as const;
  readonly capabilities: ReadonlySet<string> = new Set([
    'retry',
    'stop',
    'terminate',
  ]);
  private readonly health = new IntegrationHealthTracker();

  constructor(
    private readonly client: ArgoServerClient,
    private readonly defaultNamespace: string,
  ) {
    this.id = `argo-server:${client.name}`;
  }

  static fromServer(server: ArgoServerConfig): ArgoServerOrchestrationAdapter {
    return new ArgoServerOrchestrationAdapter(
      new ArgoServerClient(server),
      server.defaultNamespace,
    );
  }

  /** One adapter per server under `llmOps.argo.servers`; none without that config. */
  static fromConfig(config: Config): ArgoServerOrchestrationAdapter[] {
    return readArgoServers(config).map(server =>
      ArgoServerOrchestrationAdapter.fromServer(server),
    );
  }

  /**
   * A one-item list of the default namespace's Workflows: no answer or a 5xx is `down`, a 4xx
   * (bad token, no access to the namespace) `degraded`.
   */
  async checkHealth(): Promise<IntegrationHealth> {
    const started = performance.now();
    try {
      await this.client.request(
        'GET',
        `${this.workflowsPath(
          this.defaultNamespace,
        )}?listOptions.limit=1&fields=metadata.resourceVersion`,
      );
    } catch (error) {
      return this.health.failedCall(
        statusOfError(error),
        error instanceof Error ? error.message : String(error),
        Math.round(performance.now() - started),
      );
    }
    return this.health.up(Math.round(performance.now() - started));
  }

  /**
   * Submits from the template through `POST /api/v1/workflows/{namespace}/submit`, where the
   * server builds the Workflow (and checks the template exists). Parameters go as `name=value`
   * strings, labels as one `a=b,c=d` string.
   */
  async submit(input: SubmitInput): Promise<ExternalRef & { name: string }> {
    this.checkServer(input.cluster);
    checkSubmitInput(input);
    const namespace = input.namespace ?? this.defaultNamespace;
    const labels = {
      ...input.labels,
      [LLM_OPS_LABELS.managedBy]: MANAGED_BY_VALUE,
    };
    const created = await this.client.request<KubernetesObject>(
      'POST',
      `${this.workflowsPath(namespace)}/submit`,
      {
        namespace,
        resourceKind: input.templateRef.kind,
        resourceName: input.templateRef.name,
        submitOptions: {
          generateName: `${input.templateRef.name}-`,
          parameters: Object.entries(input.parameters ?? {}).map(
            ([name, value]) => `${name}=${value}`,
          ),
          labels: Object.entries(labels)
            .map(([key, value]) => `${key}=${value}`)
            .join(','),
        },
      },
    );
    const name = created.metadata?.name ?? '';
    return {
      externalId: `${namespace}/${name}`,
      name,
      url: this.uiUrl(namespace, name),
    };
  }

  /** `GET /api/v1/workflows/{namespace}/{name}`; `undefined` on 404. */
  async get(ref: WorkflowRef): Promise<PipelineRunState | undefined> {
    this.checkServer(ref.cluster);
    const namespace = ref.namespace ?? this.defaultNamespace;
    let workflow: KubernetesObject;
    try {
      workflow = await this.client.request<KubernetesObject>(
        'GET',
        this.workflowPath(namespace, ref.name),
      );
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
    return toPipelineRunState(workflow, {
      url: this.uiUrl(namespace, ref.name),
    });
  }

  /** Re-runs the failed nodes of a Failed or Errored Workflow (the server refuses others). */
  async retry(ref: WorkflowRef): Promise<void> {
    await this.action(ref, 'retry');
  }

  async stop(ref: WorkflowRef): Promise<void> {
    await this.action(ref, 'stop');
  }

  async terminate(ref: WorkflowRef): Promise<void> {
    await this.action(ref, 'terminate');
  }

  /** `PUT /api/v1/workflows/{namespace}/{name}/{action}` with `{name, namespace}`. */
  private async action(
    ref: WorkflowRef,
    action: 'retry' | 'stop' | 'terminate',
  ): Promise<void> {
    this.checkServer(ref.cluster);
    const namespace = ref.namespace ?? this.defaultNamespace;
    await this.client.request(
      'PUT',
      `${this.workflowPath(namespace, ref.name)}/${action}`,
      { name: ref.name, namespace },
    );
  }

  private workflowsPath(namespace: string): string {
    return `/api/v1/workflows/${encodeURIComponent(namespace)}`;
  }

  private workflowPath(namespace: string, name: string): string {
    return `${this.workflowsPath(namespace)}/${encodeURIComponent(name)}`;
  }

  /** The Workflow's page in the Argo UI, which the same server serves. */
  private uiUrl(namespace: string, name: string): string {
    return `${this.client.baseUrl}/workflows/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(name)}`;
  }

  private checkServer(server: string | undefined) {
    if (server !== undefined && server !== this.client.name) {
      throw new KubernetesAdapterError(
        400,
        `The pipeline runs on '${server}', but this adapter (${this.id}) talks to the Argo Server '${this.client.name}'`,
      );
    }
  }
}
