import type { Config } from '@backstage/config';
import {
  listCommits,
  listFiles,
  listModels,
  modelInfo,
  whoAmI,
  type CommitData,
  type ListFileEntry,
} from '@huggingface/hub';
import {
  IntegrationHealthTracker,
  type IntegrationHealth,
  type ModelRegistryAdapter,
  type ModelVersionRecord,
  type Page,
  type RegisteredModelRecord,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { readHuggingFaceHubs, type HuggingFaceHubConfig } from '../config';
import { HuggingFaceHubError, hubCall, toHubError } from '../client/errors';
import { cardSummary, readModelCard } from '../client/modelCard';
import {
  createRateLimitedFetch,
  type RateLimitOptions,
} from '../client/rateLimitedFetch';
import {
  decodeModelsToken,
  decodeVersionsToken,
  encodeToken,
} from './pageTokens';
import {
  MODEL_FIELDS,
  toModelVersionRecord,
  toRegisteredModelRecord,
  type HubModel,
} from './read';

/** Versions per page: each costs one tree listing. */
const VERSIONS_PAGE_SIZE = 10;

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** @public */
export type HuggingFaceAdapterOptions = {
  /** How 429s are waited out; tests inject `sleep`. */
  rateLimit?: RateLimitOptions;
};

type Source = { model: string } | { author: string };

/**
 * A Hugging Face hub as a read-only model registry (capability `import`): the configured models
 * and every model of the configured authors, with the newest commits of each default branch as
 * versions. It never writes to the hub and never downloads a model's files: the only file it
 * reads is the start of README.md, for the card's summary.
 *
 * @public
 */
export class HuggingFaceModelRegistryAdapter implements ModelRegistryAdapter {
  readonly id: string;
  readonly category = 'model-registry' as const;
  readonly capabilities: ReadonlySet<string> = new Set(['import']);

  private readonly hub: HuggingFaceHubConfig;
  private readonly fetch: typeof fetch;
  /** Health checks do not wait out rate limits: a 429 is reported at once, as `degraded`. */
  private readonly healthFetch: typeof fetch;
  private readonly sources: Source[];
  private readonly health = new IntegrationHealthTracker();

  /** One adapter per hub under `llmOps.huggingface.hubs`; throws on invalid config. */
  static fromConfig(
    config: Config,
    options: HuggingFaceAdapterOptions = {},
  ): HuggingFaceModelRegistryAdapter[] {
    return readHuggingFaceHubs(config).map(
      hub => new HuggingFaceModelRegistryAdapter(hub, options),
    );
  }

  constructor(
    hub: HuggingFaceHubConfig,
    options: HuggingFaceAdapterOptions = {},
  ) {
    this.id = `huggingface:${hub.name}`;
    this.hub = hub;
    this.fetch = createRateLimitedFetch(hub.name, options.rateLimit);
    this.healthFetch = createRateLimitedFetch(hub.name, {
      ...options.rateLimit,
      maxRetries: 0,
    });
    this.sources = [
      ...hub.models.map(model => ({ model })),
      ...hub.authors.map(author => ({ author })),
    ];
  }

  /**
   * One page per source: first each configured repo id, then each author (all of its models,
   * which the Hub lists in pages that @huggingface/hub follows through its `Link` headers).
   * Models older than `updatedSince` (by the Hub's `lastModified`) are left out before their
   * card is read, so that an incremental sync costs one API call per repo id or author page.
   */
  async listModels(options: {
    updatedSince?: number;
    pageToken?: string;
  }): Promise<Page<RegisteredModelRecord>> {
    const { source: index } = decodeModelsToken(options.pageToken);
    const source = this.sources[index];
    if (!source) return { items: [] };
    const models =
      'model' in source
        ? [await this.modelInfo(source.model)]
        : await this.authorModels(source.author);
    const items: RegisteredModelRecord[] = [];
    for (const model of models) {
      if (
        options.updatedSince !== undefined &&
        model.updatedAt.getTime() < options.updatedSince
      ) {
        continue;
      }
      items.push(await this.toRecord(model));
    }
    const next = index + 1;
    return next < this.sources.length
      ? { items, nextPageToken: encodeToken({ source: next }) }
      : { items };
  }

  /**
   * The newest `maxRevisions` commits of the model's default branch, newest first, with each
   * commit's recursive file list (sizes and LFS flags, from the tree API, never the files).
   */
  async listVersions(
    modelName: string,
    pageToken?: string,
  ): Promise<Page<ModelVersionRecord>> {
    if (!REPO_ID.test(modelName)) {
      throw new HuggingFaceHubError(
        `Invalid Hugging Face model name '${modelName}'; expected a repo id 'org/name'`,
        400,
      );
    }
    const cursor = decodeVersionsToken(pageToken);
    const head = cursor?.head ?? (await this.headSha(modelName));
    const offset = cursor?.offset ?? 0;
    const commits = await this.commits(modelName, head);
    const page = commits.slice(offset, offset + VERSIONS_PAGE_SIZE);
    const items: ModelVersionRecord[] = [];
    for (const [i, commit] of page.entries()) {
      items.push(
        toModelVersionRecord({
          repoId: modelName,
          hubUrl: this.hub.url,
          commit,
          files: await this.files(modelName, commit.oid),
          isHead: offset + i === 0,
        }),
      );
    }
    const nextOffset = offset + VERSIONS_PAGE_SIZE;
    return nextOffset < commits.length
      ? { items, nextPageToken: encodeToken({ head, offset: nextOffset }) }
      : { items };
  }

  /**
   * One cheap call: `whoami-v2` when a token is configured (it proves the token), otherwise the
   * first configured model's info or one model of the first author. No answer or a 5xx is
   * `down`; any other refusal (401, 403, 404, 429) is `degraded`.
   */
  async checkHealth(): Promise<IntegrationHealth> {
    const started = performance.now();
    const params = {
      hubUrl: this.hub.url,
      fetch: this.healthFetch,
      ...this.credentials(),
    };
    try {
      if (this.hub.token) {
        await whoAmI({ ...params, accessToken: this.hub.token });
      } else if (this.hub.models.length > 0) {
        await modelInfo({ ...params, name: this.hub.models[0] });
      } else {
        await listModels({
          ...params,
          search: { owner: this.hub.authors[0] },
          limit: 1,
        }).next();
      }
    } catch (error) {
      const failure = toHubError(error, this.hub.name, 'The health check');
      return this.health.failedCall(
        failure.status,
        failure.message,
        Math.round(performance.now() - started),
      );
    }
    return this.health.up(Math.round(performance.now() - started));
  }

  private credentials(): { accessToken?: string } {
    return this.hub.token ? { accessToken: this.hub.token } : {};
  }

  private params() {
    return { hubUrl: this.hub.url, fetch: this.fetch, ...this.credentials() };
  }

  private modelInfo(repoId: string): Promise<HubModel> {
    return hubCall(this.hub.name, `Reading the model ${repoId}`, () =>
      modelInfo({
        ...this.params(),
        name: repoId,
        additionalFields: [...MODEL_FIELDS],
      }),
    );
  }

  /** Every model of an author, except those configured by repo id (they have their own page). */
  private authorModels(author: string): Promise<HubModel[]> {
    return hubCall(
      this.hub.name,
      `Listing the models of ${author}`,
      async () => {
        const models: HubModel[] = [];
        for await (const model of listModels({
          ...this.params(),
          search: { owner: author },
          additionalFields: [...MODEL_FIELDS],
        })) {
          if (!this.hub.models.includes(model.name)) models.push(model);
        }
        return models;
      },
    );
  }

  private async toRecord(model: HubModel): Promise<RegisteredModelRecord> {
    const readme = await hubCall(
      this.hub.name,
      `Reading the model card of ${model.name}`,
      () =>
        readModelCard({
          hubUrl: this.hub.url,
          repoId: model.name,
          revision: model.sha ?? 'main',
          accessToken: this.hub.token,
          fetch: this.fetch,
        }),
    );
    return toRegisteredModelRecord(
      model,
      this.hub.url,
      readme === undefined ? undefined : cardSummary(readme),
    );
  }

  private async headSha(repoId: string): Promise<string> {
    const model = await this.modelInfo(repoId);
    if (!model.sha) {
      throw new HuggingFaceHubError(
        `Reading the model ${repoId} failed: the hub '${this.hub.name}' did not say its head commit (sha)`,
        502,
      );
    }
    return model.sha;
  }

  private commits(repoId: string, head: string): Promise<CommitData[]> {
    return hubCall(
      this.hub.name,
      `Listing the commits of ${repoId}`,
      async () => {
        const commits: CommitData[] = [];
        for await (const commit of listCommits({
          ...this.params(),
          repo: { type: 'model', name: repoId },
          revision: head,
          batchSize: Math.min(this.hub.maxRevisions, 100),
        })) {
          commits.push(commit);
          if (commits.length >= this.hub.maxRevisions) break;
        }
        return commits;
      },
    );
  }

  private files(repoId: string, sha: string): Promise<ListFileEntry[]> {
    return hubCall(
      this.hub.name,
      `Listing the files of ${repoId} at ${sha}`,
      async () => {
        const files: ListFileEntry[] = [];
        for await (const entry of listFiles({
          ...this.params(),
          repo: { type: 'model', name: repoId },
          revision: sha,
          recursive: true,
        })) {
          files.push(entry);
        }
        return files;
      },
    );
  }
}
