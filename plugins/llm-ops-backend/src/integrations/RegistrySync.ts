import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ModelVersionRecord,
  RegisteredModelRecord,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { randomUUID } from 'node:crypto';
import { VersionStore } from '../database/VersionStore';
import { Refusals } from './refusals';
import { resourceIdOf, upsertSourceRef } from '../database/sourceRefs';
import { addLineageEdges } from '../database/lineage';
import type { Integrations } from './Integrations';

const OVERLAP_MS = 60_000;

export type Registry = NonNullable<ReturnType<Integrations['modelRegistry']>>;

/**
 * Registered models, their versions and aliases from the model registry tool into the store.
 * A version registered from a run the tracking sync knows gets its lineage edge
 * (run --produced--> model-version). Models whose update time moved are re-read with all their
 * versions; MLflow does not move it for alias or tag changes, which the full pass picks up.
 *
 * The same sync imports from read-only sources (`import` adapters such as the Hugging Face Hub),
 * each passed in as `registry`; their models are told apart by their source refs.
 */
export class RegistrySync {
  constructor(
    private readonly db: Knex,
    private readonly integrations: Integrations,
    private readonly logger: LoggerService,
  ) {}

  async sync(
    options: { full: boolean },
    registry: Registry | undefined = this.integrations.modelRegistry(),
  ): Promise<number> {
    if (!registry) return 0;
    const integration = registry.connection.id;
    const state = await this.db('sync_state')
      .where({ integration, task: 'registry-watermark' })
      .first('watermark');
    const since =
      options.full || !state?.watermark
        ? undefined
        : Number(state.watermark) - OVERLAP_MS;
    let watermark = Number(state?.watermark ?? 0);
    let count = 0;
    const refusals = new Refusals(
      this.db,
      this.logger,
      `registry sync of ${integration}`,
    );
    let token: string | undefined;
    do {
      const current = token;
      const page = await registry.connection.call(() =>
        registry.adapter.listModels({
          updatedSince: since,
          pageToken: current,
        }),
      );
      for (const model of page.items) {
        watermark = Math.max(watermark, model.updatedAt);
        if (await this.syncModel(registry, model, refusals)) count++;
      }
      token = page.nextPageToken;
    } while (token);
    await this.db('sync_state')
      .insert({
        integration,
        task: 'registry-watermark',
        watermark,
        last_success_at: Date.now(),
        last_error: refusals.summary()?.slice(0, 1000) ?? null,
      })
      .onConflict(['integration', 'task'])
      .merge(['watermark', 'last_success_at', 'last_error']);
    if (count > 0)
      this.logger.debug(
        `llm-ops registry sync ${integration}: ${count} model(s)`,
      );
    return count;
  }

  /** Whether the model was stored; false when the store refused it (see Refusals). */
  private async syncModel(
    registry: Registry,
    model: RegisteredModelRecord,
    refusals: Refusals,
  ): Promise<boolean> {
    const integration = registry.connection.id;
    const versions: ModelVersionRecord[] = [];
    let token: string | undefined;
    do {
      const current = token;
      const page = await registry.connection.call(() =>
        registry.adapter.listVersions(model.name, current),
      );
      versions.push(...page.items);
      token = page.nextPageToken;
    } while (token);

    // Only the store's write is a refusal; the tool's calls above fail the pass as before.
    const { stored } = await refusals.storeWithParts(
      'model',
      model.externalId,
      'model-version',
      async (tx, part) => {
        const modelId = await this.upsertModel(tx, integration, model);
        const idByVersion = new Map<string, string>();
        // Oldest first, and with the registry's own times, so that lists (newest first) follow the
        // registry's history rather than the order a page happened to arrive in.
        const ordered = [...versions].sort((a, b) => a.createdAt - b.createdAt);
        for (const v of ordered) {
          const versionId = await part(v.externalId, savepoint =>
            this.upsertVersion(savepoint, integration, modelId, v),
          );
          if (versionId !== undefined) idByVersion.set(v.version, versionId);
        }
        // The registry's aliases replace ours: it is the system of record for them. An alias of
        // a refused version is left out with it.
        await tx('aliases').where({ asset_id: modelId }).delete();
        const aliases = Object.entries(model.aliases).filter(([, version]) =>
          idByVersion.has(version),
        );
        if (aliases.length > 0) {
          await tx('aliases').insert(
            aliases.map(([alias, version]) => ({
              asset_id: modelId,
              alias,
              version_id: idByVersion.get(version),
            })),
          );
        }
      },
    );
    return stored;
  }

  /** The llm-ops id of the registered model, created on first sight; name, tags, source ref. */
  private async upsertModel(
    tx: Knex.Transaction,
    integration: string,
    model: RegisteredModelRecord,
  ): Promise<string> {
    let modelId =
      (await resourceIdOf(tx, integration, 'model', model.externalId)) ??
      (
        await tx('assets')
          .where({ kind: 'model', name: model.name })
          .first('id')
      )?.id;
    const row = {
      name: model.name,
      description: model.description ?? null,
      updated_at: model.updatedAt,
    };
    if (modelId) {
      await tx('assets').where({ id: modelId }).update(row);
    } else {
      modelId = randomUUID();
      await tx('assets').insert({
        id: modelId,
        kind: 'model',
        ...row,
        lifecycle: 'active',
        spec: '{}',
        status: '{}',
        created_at: model.createdAt,
      });
    }
    await tx('tags').where('resource_id', modelId).delete();
    const tags = Object.entries(model.tags);
    if (tags.length > 0)
      await tx('tags').insert(
        tags.map(([key, value]) => ({ resource_id: modelId, key, value })),
      );
    await upsertSourceRef(tx, {
      integration,
      resourceType: 'model',
      externalId: model.externalId,
      resourceId: modelId,
      url: model.url,
    });
    return modelId;
  }

  /** A version of the model, its source ref and the lineage edge from the run it came from. */
  private async upsertVersion(
    tx: Knex.Transaction,
    integration: string,
    modelId: string,
    v: ModelVersionRecord,
  ): Promise<string> {
    const sourceRunId = v.sourceRunExternalId
      ? await resourceIdOf(tx, integration, 'run', v.sourceRunExternalId)
      : undefined;
    const spec = {
      artifactUri: v.artifactUri,
      sourceRunId: sourceRunId ?? null,
      status: v.status,
      ...(v.files ? { files: v.files } : {}),
    };
    const existing = await tx('versions')
      .where({ asset_id: modelId, version: v.version })
      .first('id');
    let versionId: string;
    if (existing) {
      versionId = existing.id;
      await tx('versions')
        .where({ id: versionId })
        .update({
          spec: JSON.stringify(spec),
          description: v.description ?? null,
          updated_at: v.updatedAt,
        });
    } else {
      versionId = (
        await new VersionStore(tx).insert(tx, modelId, {
          version: v.version,
          description: v.description ?? null,
          spec,
          tags: v.tags,
          createdAt: v.createdAt > 0 ? v.createdAt : undefined,
        })
      ).id;
    }
    await upsertSourceRef(tx, {
      integration,
      resourceType: 'model-version',
      externalId: v.externalId,
      resourceId: versionId,
      url: v.url,
    });
    if (sourceRunId) {
      await addLineageEdges(tx, [
        {
          fromType: 'run',
          fromId: sourceRunId,
          relation: 'produced',
          toType: 'model-version',
          toId: versionId,
        },
      ]);
    }
    return versionId;
  }
}
