import {
  CustomObjectsApi,
  KubeConfig,
  Observable,
  PatchStrategy,
  type ConfigurationOptions,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { KubernetesClusterConfig } from './config';
import { toKubernetesError } from './errors';

/**
 * A custom resource type, addressed by fixed paths: the client never asks the server's discovery
 * endpoints, which some API servers (and the test server) do not serve at the root.
 *
 * @public
 */
export type CustomResourceType = {
  group: string;
  version: string;
  plural: string;
  /** False for cluster-scoped kinds such as ClusterWorkflowTemplate. */
  namespaced: boolean;
};

/**
 * A Kubernetes object as the API returns it; the fields the adapters read are typed, the rest
 * is passed through.
 *
 * @public
 */
export type KubernetesObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  status?: any;
};

/** @public */
export type KubernetesObjectList = {
  items: KubernetesObject[];
  /** The list's resourceVersion: where a watch continues from. */
  resourceVersion?: string;
};

/**
 * The field manager of every write the suite makes, so server-side apply knows what it owns.
 *
 * @public
 */
export const FIELD_MANAGER = 'llm-ops';

const DEFAULT_TIMEOUT_MS = 30_000;
const LIST_PAGE_SIZE = 250;

/**
 * The Kubernetes client of the llm-ops tool modules: one per configured cluster, custom
 * resources only (`CustomObjectsApi` of `@kubernetes/client-node`), with a per-request timeout and
 * errors that carry the API server's HTTP status (`KubernetesApiError`) or none when there was no
 * answer (`KubernetesRequestError`).
 *
 * @public
 */
export class KubernetesClusterClient {
  /** The configured name of the cluster. */
  readonly name: string;
  /** Where requests without a namespace go. */
  readonly defaultNamespace: string;
  /** The client's KubeConfig (server, TLS and credentials), for `Watch`. */
  readonly kubeConfig: KubeConfig;
  private readonly api: CustomObjectsApi;
  private readonly timeoutMs: number;

  private constructor(options: {
    name: string;
    defaultNamespace: string;
    kubeConfig: KubeConfig;
    timeoutMs: number;
  }) {
    this.name = options.name;
    this.defaultNamespace = options.defaultNamespace;
    this.kubeConfig = options.kubeConfig;
    this.timeoutMs = options.timeoutMs;
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /**
   * Builds the client of one configured cluster. Reads the kubeconfig file now, so that a missing
   * or broken file fails the startup.
   */
  static fromCluster(
    cluster: KubernetesClusterConfig,
    options: { timeoutMs?: number } = {},
  ): KubernetesClusterClient {
    const kubeConfig = new KubeConfig();
    let contextNamespace: string | undefined;
    if (cluster.kubeconfigPath) {
      try {
        kubeConfig.loadFromFile(cluster.kubeconfigPath);
      } catch (error) {
        throw new Error(
          `Could not read the kubeconfig of cluster '${cluster.name}' at '${
            cluster.kubeconfigPath
          }': ${(error as Error).message}`,
        );
      }
      if (!kubeConfig.getCurrentCluster()) {
        throw new Error(
          `The kubeconfig of cluster '${cluster.name}' at '${cluster.kubeconfigPath}' has no current context with a cluster`,
        );
      }
      contextNamespace =
        kubeConfig.getContextObject(kubeConfig.getCurrentContext())
          ?.namespace ?? undefined;
    } else {
      kubeConfig.loadFromOptions({
        clusters: [
          {
            name: cluster.name,
            server: cluster.url,
            caData: cluster.caData,
            skipTLSVerify: false,
          },
        ],
        users: [
          {
            name: 'llm-ops',
            token: cluster.token,
            certData: cluster.clientCertData,
            keyData: cluster.clientKeyData,
          },
        ],
        contexts: [
          { name: cluster.name, cluster: cluster.name, user: 'llm-ops' },
        ],
        currentContext: cluster.name,
      });
    }
    return new KubernetesClusterClient({
      name: cluster.name,
      defaultNamespace:
        cluster.defaultNamespace ?? contextNamespace ?? 'default',
      kubeConfig,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  /** The API path of a resource type or object, as used in error messages and for watches. */
  path(type: CustomResourceType, namespace?: string, name?: string): string {
    const ns =
      type.namespaced && namespace !== undefined
        ? `/namespaces/${encodeURIComponent(namespace)}`
        : '';
    const obj = name !== undefined ? `/${encodeURIComponent(name)}` : '';
    return `/apis/${type.group}/${type.version}${ns}/${type.plural}${obj}`;
  }

  /** Reads one object; `undefined` when it does not exist. */
  async get(
    type: CustomResourceType,
    ref: { namespace?: string; name: string },
  ): Promise<KubernetesObject | undefined> {
    const namespace = this.namespaceOf(type, ref.namespace);
    try {
      return await this.call('GET', this.path(type, namespace, ref.name), () =>
        type.namespaced
          ? this.api.getNamespacedCustomObject(
              { ...this.base(type), namespace: namespace!, name: ref.name },
              this.options(),
            )
          : this.api.getClusterCustomObject(
              { ...this.base(type), name: ref.name },
              this.options(),
            ),
      );
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Lists objects, following `continue` tokens until the end, or only the first `limit` objects
   * when `limit` is given. Without `namespace` a namespaced type is listed across all namespaces.
   */
  async list(
    type: CustomResourceType,
    options: {
      namespace?: string;
      labelSelector?: string;
      limit?: number;
    } = {},
  ): Promise<KubernetesObjectList> {
    const items: KubernetesObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page: any = await this.listPage(type, options, continueToken);
      items.push(...((page?.items as KubernetesObject[]) ?? []));
      continueToken =
        options.limit === undefined
          ? page?.metadata?.continue || undefined
          : undefined;
      resourceVersion = page?.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken);
    return { items, resourceVersion };
  }

  private listPage(
    type: CustomResourceType,
    options: { namespace?: string; labelSelector?: string; limit?: number },
    continueToken: string | undefined,
  ): Promise<unknown> {
    return this.call('GET', this.path(type, options.namespace), () => {
      const query = {
        ...this.base(type),
        labelSelector: options.labelSelector,
        limit: options.limit ?? LIST_PAGE_SIZE,
        _continue: continueToken,
      };
      return type.namespaced && options.namespace !== undefined
        ? this.api.listNamespacedCustomObject(
            { ...query, namespace: options.namespace },
            this.options(),
          )
        : this.api.listClusterCustomObject(query, this.options());
    });
  }

  /** Creates an object (POST); `metadata.generateName` works here. */
  async create(
    type: CustomResourceType,
    namespace: string | undefined,
    body: KubernetesObject,
  ): Promise<KubernetesObject> {
    const ns = this.namespaceOf(type, namespace);
    return this.call('POST', this.path(type, ns), () =>
      type.namespaced
        ? this.api.createNamespacedCustomObject(
            {
              ...this.base(type),
              namespace: ns!,
              body,
              fieldManager: FIELD_MANAGER,
            },
            this.options(),
          )
        : this.api.createClusterCustomObject(
            { ...this.base(type), body, fieldManager: FIELD_MANAGER },
            this.options(),
          ),
    );
  }

  /**
   * Server-side apply with the field manager `llm-ops` and `force`: the object ends up with
   * exactly the fields in `body` that llm-ops manages; fields llm-ops applied before and left out
   * now are removed, fields of other managers stay.
   */
  async apply(
    type: CustomResourceType,
    ref: { namespace?: string; name: string },
    body: KubernetesObject,
  ): Promise<KubernetesObject> {
    return this.patch(type, ref, body, PatchStrategy.ServerSideApply);
  }

  /** A JSON merge patch (RFC 7386) of the object, or of its `status` subresource. */
  async mergePatch(
    type: CustomResourceType,
    ref: { namespace?: string; name: string },
    patch: object,
    options: { subresource?: 'status' } = {},
  ): Promise<KubernetesObject> {
    return this.patch(
      type,
      ref,
      patch,
      PatchStrategy.MergePatch,
      options.subresource,
    );
  }

  /** Deletes an object; false when it did not exist. */
  async delete(
    type: CustomResourceType,
    ref: { namespace?: string; name: string },
  ): Promise<boolean> {
    const namespace = this.namespaceOf(type, ref.namespace);
    try {
      await this.call('DELETE', this.path(type, namespace, ref.name), () =>
        type.namespaced
          ? this.api.deleteNamespacedCustomObject(
              { ...this.base(type), namespace: namespace!, name: ref.name },
              this.options(),
            )
          : this.api.deleteClusterCustomObject(
              { ...this.base(type), name: ref.name },
              this.options(),
            ),
      );
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  private async patch(
    type: CustomResourceType,
    ref: { namespace?: string; name: string },
    body: object,
    strategy: PatchStrategy,
    subresource?: 'status',
  ): Promise<KubernetesObject> {
    const namespace = this.namespaceOf(type, ref.namespace);
    const apply = strategy === PatchStrategy.ServerSideApply;
    const path = `${this.path(type, namespace, ref.name)}${
      subresource ? `/${subresource}` : ''
    }`;
    const params = {
      ...this.base(type),
      name: ref.name,
      body,
      fieldManager: FIELD_MANAGER,
      force: apply ? true : undefined,
    };
    const options = this.options(strategy);
    return this.call('PATCH', path, () => {
      if (!type.namespaced) {
        return this.api.patchClusterCustomObject(params, options);
      }
      const namespaced = { ...params, namespace: namespace! };
      return subresource === 'status'
        ? this.api.patchNamespacedCustomObjectStatus(namespaced, options)
        : this.api.patchNamespacedCustomObject(namespaced, options);
    });
  }

  private base(type: CustomResourceType) {
    return { group: type.group, version: type.version, plural: type.plural };
  }

  private namespaceOf(
    type: CustomResourceType,
    namespace: string | undefined,
  ): string | undefined {
    return type.namespaced ? namespace ?? this.defaultNamespace : undefined;
  }

  /** Per request: a timeout, and for patches the Content-Type that picks the patch strategy. */
  private options(
    contentType?: PatchStrategy,
  ): ConfigurationOptions<ObservableMiddleware> {
    const timeoutMs = this.timeoutMs;
    const middleware: ObservableMiddleware = {
      pre(context) {
        context.setSignal(AbortSignal.timeout(timeoutMs));
        if (contentType) context.setHeaderParam('Content-Type', contentType);
        return new Observable(Promise.resolve(context));
      },
      post(response) {
        return new Observable(Promise.resolve(response));
      },
    };
    return { middleware: [middleware], middlewareMergeStrategy: 'append' };
  }

  private async call<T>(
    method: string,
    path: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toKubernetesError(error, { cluster: this.name, method, path });
    }
  }
}
