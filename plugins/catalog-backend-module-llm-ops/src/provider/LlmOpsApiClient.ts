import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type {
  ApiDatasetVersion,
  ApiLineageGraph,
  ApiModelVersion,
  ApiPipelineRunEdge,
  ApiRun,
  AssetKind,
  Page,
} from './types';

const PLUGIN_ID = 'llm-ops';
/** The largest page the asset and version lists serve. */
const PAGE_SIZE = 500;
/** The largest page of runs a search serves, and the most experiments one search may name. */
const RUN_PAGE_SIZE = 1000;
const RUN_SEARCH_EXPERIMENTS = 100;
const TOKEN_REUSE_MS = 60_000;

/** Transport to the llm-ops /v1 API as the catalog plugin itself (service credentials). */
export class LlmOpsApiClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      /** Called for every request (path with its query); counts calls in logs. */
      onRequest?: (method: string, path: string) => void;
    },
  ) {}

  /** Where the API lives, also what `managed-by-location` names. */
  baseUrl(): Promise<string> {
    return this.options.discovery.getBaseUrl(PLUGIN_ID);
  }

  /** Every page of an asset list. */
  async listAll<T>(
    kind: AssetKind,
    query: Record<string, string> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    await this.getEachPage<T>(
      `/v1/${kind}s`,
      page => items.push(...page),
      query,
    );
    return items;
  }

  /** One page of an asset list, e.g. the newest changes with `orderBy=-updatedAt`. */
  listPage<T>(
    kind: AssetKind,
    query: Record<string, string>,
  ): Promise<Page<T>> {
    return this.request('GET', `/v1/${kind}s?${new URLSearchParams(query)}`);
  }

  getAsset<T>(kind: AssetKind, id: string): Promise<T> {
    return this.request('GET', `/v1/${kind}s/${encodeURIComponent(id)}`);
  }

  /** Every version of a model or dataset, newest first. */
  async listVersions<T extends ApiModelVersion | ApiDatasetVersion>(
    kind: 'model' | 'dataset',
    assetId: string,
  ): Promise<T[]> {
    const items: T[] = [];
    await this.getEachPage<T>(
      `/v1/${kind}s/${encodeURIComponent(assetId)}/versions`,
      page => items.push(...page),
    );
    return items;
  }

  /**
   * The versions of every model (or dataset) in the store, grouped by asset and newest first
   * within each: a few requests for the whole registry instead of one per asset.
   */
  async listAllVersions<T extends ApiModelVersion | ApiDatasetVersion>(
    kind: 'model' | 'dataset',
    onPage: (versions: T[]) => void,
  ): Promise<void> {
    await this.getEachPage<T>(`/v1/${kind}-versions`, onPage);
  }

  /** The experiment ids in groups that one run search may name. */
  static runSearchChunks(experimentIds: string[]): string[][] {
    const chunks: string[][] = [];
    for (let i = 0; i < experimentIds.length; i += RUN_SEARCH_EXPERIMENTS) {
      chunks.push(experimentIds.slice(i, i + RUN_SEARCH_EXPERIMENTS));
    }
    return chunks;
  }

  /** The active runs of at most 100 experiments, a page at a time. */
  async runsOf(chunk: string[], onPage: (runs: ApiRun[]) => void) {
    await this.eachPage<ApiRun>(
      cursor =>
        this.request('POST', '/v1/runs/search', {
          experimentIds: chunk,
          pageSize: RUN_PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        }),
      onPage,
    );
  }

  /**
   * The lineage edges leaving every pipeline run in the store, a page at a time: a few
   * requests for the lineage of all pipelines instead of one lineage graph per pipeline.
   */
  async pipelineRunEdges(
    onPage: (edges: ApiPipelineRunEdge[]) => void,
  ): Promise<void> {
    await this.getEachPage<ApiPipelineRunEdge>(
      '/v1/pipeline-run-edges',
      onPage,
    );
  }

  /** Follows nextCursor from the first page to the last, handing on each page's items. */
  private async eachPage<T>(
    fetchPage: (cursor: string | null) => Promise<Page<T>>,
    onPage: (items: T[]) => void,
  ): Promise<void> {
    let cursor: string | null = null;
    do {
      const page: Page<T> = await fetchPage(cursor);
      onPage(page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** Every page of a GET list route, PAGE_SIZE items at a time. */
  private getEachPage<T>(
    path: string,
    onPage: (items: T[]) => void,
    query: Record<string, string> = {},
  ): Promise<void> {
    return this.eachPage<T>(
      cursor =>
        this.request(
          'GET',
          `${path}?${new URLSearchParams({
            ...query,
            pageSize: String(PAGE_SIZE),
            ...(cursor ? { cursor } : {}),
          })}`,
        ),
      onPage,
    );
  }

  getRun(runId: string): Promise<ApiRun> {
    return this.request('GET', `/v1/runs/${encodeURIComponent(runId)}`);
  }

  lineage(
    type: AssetKind,
    id: string,
    depth: number,
  ): Promise<ApiLineageGraph> {
    return this.request(
      'GET',
      `/v1/lineage/${type}/${encodeURIComponent(id)}?depth=${depth}`,
    );
  }

  /**
   * A service token for llm-ops, reused for a minute: a full sync makes thousands of requests,
   * and the token lives far longer than that.
   */
  private async token(): Promise<string> {
    const now = Date.now();
    if (!this.cachedToken || this.cachedToken.until < now) {
      const { auth } = this.options;
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: PLUGIN_ID,
      });
      this.cachedToken = { token, until: now + TOKEN_REUSE_MS };
    }
    return this.cachedToken.token;
  }

  private cachedToken?: { token: string; until: number };

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const [baseUrl, token] = await Promise.all([
      this.options.discovery.getBaseUrl(PLUGIN_ID),
      this.token(),
    ]);
    this.options.onRequest?.(method, path);
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let envelope: { message?: string; data?: unknown } | undefined;
    try {
      envelope = JSON.parse(text);
    } catch {
      envelope = undefined;
    }
    if (!res.ok) {
      const message = `llm-ops API ${method} ${path.split('?')[0]} answered ${
        res.status
      }: ${envelope?.message ?? text.slice(0, 200)}`;
      if (res.status === 404) throw new NotFoundError(message);
      throw new Error(message);
    }
    if (!envelope || typeof envelope !== 'object' || !('data' in envelope)) {
      throw new Error(
        `llm-ops API ${method} ${path.split('?')[0]} answered ${
          res.status
        } without the {status, message, data} envelope`,
      );
    }
    return envelope.data as T;
  }
}
