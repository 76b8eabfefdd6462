import type {
  ExternalRef,
  IntegrationHealth,
  ModelRegistryAdapter,
  ModelVersionRecord,
  Page,
  RegisteredModelRecord,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import type { MlflowClient } from '../client';
import type { MlflowInstanceConfig } from '../config';
import { filterLiteral, isAlreadyExists, mapErrors } from './errors';
import { MlflowHealthCheck } from './health';
import {
  LLM_OPS_ID_TAG,
  modelUrl,
  tagValue,
  toKeyValues,
  toModelVersionRecord,
  toRegisteredModelRecord,
} from './read';
import { createMlflowClient, MlflowAdapterOptions } from './options';

/** The largest page MLflow's registered-model search allows. */
const MODEL_PAGE_SIZE = 1000;
const VERSION_PAGE_SIZE = 1000;

/**
 * MLflow's model registry over {@link MlflowClient}: registered models (keyed by name), their
 * versions (external id `<name>/<version>`) and aliases. It shares the id `mlflow:<instanceId>`
 * with the tracking adapter of the same instance: one integration serving two categories.
 *
 * @public
 */
export class MlflowRegistryAdapter implements ModelRegistryAdapter {
  readonly id: string;
  readonly category = 'model-registry' as const;
  readonly capabilities: ReadonlySet<string> = new Set(['aliases', 'write']);

  private readonly client: MlflowClient;
  private readonly uiBaseUrl: string;
  private readonly health: MlflowHealthCheck;

  static fromInstance(
    instance: MlflowInstanceConfig,
    client: MlflowClient = createMlflowClient(instance),
  ): MlflowRegistryAdapter {
    return new MlflowRegistryAdapter({
      instanceId: instance.id,
      client,
      uiBaseUrl: instance.uiBaseUrl,
    });
  }

  constructor(options: MlflowAdapterOptions) {
    this.id = `mlflow:${options.instanceId}`;
    this.client = options.client;
    this.uiBaseUrl = options.uiBaseUrl;
    this.health = new MlflowHealthCheck(this.client, () =>
      this.client.registeredModels.search({ max_results: 1 }),
    );
  }

  checkHealth(): Promise<IntegrationHealth> {
    return this.health.check();
  }

  /**
   * Models, most recently updated first. MLflow's model search cannot filter on
   * `last_updated_timestamp` (only on name and tags), so `updatedSince` is applied here: the
   * search is ordered by that timestamp, and the first older model ends the listing.
   *
   * A model's timestamp moves when it is created, renamed or described, or gets a new version;
   * setting an alias or a tag does not move it.
   */
  listModels(options: {
    updatedSince?: number;
    pageToken?: string;
  }): Promise<Page<RegisteredModelRecord>> {
    return mapErrors(async () => {
      const page = await this.client.registeredModels.search({
        order_by: ['last_updated_timestamp DESC', 'name ASC'],
        max_results: MODEL_PAGE_SIZE,
        page_token: options.pageToken,
      });
      const items = page.registeredModels.map(model =>
        toRegisteredModelRecord(model, this.uiBaseUrl),
      );
      const since = options.updatedSince;
      if (since === undefined) {
        return { items, ...nextPage(page.nextPageToken) };
      }
      const newer = items.filter(model => model.updatedAt > since);
      // Ordered by the timestamp: once one model is older, so are all that follow.
      const exhausted = newer.length < items.length;
      return {
        items: newer,
        ...(exhausted ? {} : nextPage(page.nextPageToken)),
      };
    });
  }

  /**
   * Versions of a model, newest first, each with the aliases pointing at it. An unknown model is
   * a 404 (MLflow's version search alone would answer with an empty list).
   */
  listVersions(
    modelName: string,
    pageToken?: string,
  ): Promise<Page<ModelVersionRecord>> {
    return mapErrors(async () => {
      // The version search leaves aliases out; the model has them.
      const model = await this.client.registeredModels.get(modelName);
      const aliasesByVersion = new Map<string, string[]>();
      for (const { alias, version } of model.aliases ?? []) {
        aliasesByVersion.set(version, [
          ...(aliasesByVersion.get(version) ?? []),
          alias,
        ]);
      }
      const page = await this.client.modelVersions.search({
        filter: `name = ${filterLiteral(modelName)}`,
        order_by: ['version_number DESC'],
        max_results: VERSION_PAGE_SIZE,
        page_token: pageToken,
      });
      return {
        items: page.modelVersions.map(version =>
          toModelVersionRecord(
            version,
            this.uiBaseUrl,
            aliasesByVersion.get(version.version) ?? [],
          ),
        ),
        ...nextPage(page.nextPageToken),
      };
    });
  }

  /**
   * Creates the model with the llm-ops id in its `llm-ops.id` tag. A replay finds the model it
   * created before (same name, same llm-ops id) and returns it; a name taken by anything else is
   * a 409.
   */
  createModel(input: {
    llmOpsId: string;
    name: string;
    description?: string | null;
    tags?: Record<string, string>;
  }): Promise<ExternalRef> {
    return mapErrors(async () => {
      try {
        await this.client.registeredModels.create({
          name: input.name,
          ...(input.description ? { description: input.description } : {}),
          tags: [
            ...toKeyValues(input.tags).filter(t => t.key !== LLM_OPS_ID_TAG),
            { key: LLM_OPS_ID_TAG, value: input.llmOpsId },
          ],
        });
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        const existing = await this.client.registeredModels.get(input.name);
        if (tagValue(existing.tags, LLM_OPS_ID_TAG) !== input.llmOpsId) {
          throw error;
        }
      }
      return {
        externalId: input.name,
        url: modelUrl(this.uiBaseUrl, input.name),
      };
    });
  }

  /**
   * Registers a new version from `artifactUri` (MLflow's `source`), linked to the tracking run
   * `sourceRunExternalId` when given. MLflow numbers versions itself, so calling this twice
   * registers two versions.
   */
  createVersion(input: {
    modelName: string;
    artifactUri: string;
    sourceRunExternalId?: string;
    description?: string | null;
    tags?: Record<string, string>;
  }): Promise<ModelVersionRecord> {
    return mapErrors(async () => {
      const version = await this.client.modelVersions.create({
        name: input.modelName,
        source: input.artifactUri,
        ...(input.sourceRunExternalId
          ? { run_id: input.sourceRunExternalId }
          : {}),
        ...(input.description ? { description: input.description } : {}),
        tags: toKeyValues(input.tags),
      });
      return toModelVersionRecord(version, this.uiBaseUrl);
    });
  }

  /** Points the alias at the version, moving it from another version if needed. */
  setAlias(modelName: string, alias: string, version: string): Promise<void> {
    return mapErrors(() =>
      this.client.registeredModels.setAlias(modelName, alias, version),
    );
  }

  /** MLflow accepts deleting an alias that does not exist; an unknown model is a 404. */
  deleteAlias(modelName: string, alias: string): Promise<void> {
    return mapErrors(() =>
      this.client.registeredModels.deleteAlias(modelName, alias),
    );
  }
}

function nextPage(token: string | undefined): { nextPageToken?: string } {
  return token ? { nextPageToken: token } : {};
}
