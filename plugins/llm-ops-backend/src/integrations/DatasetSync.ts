import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  DatasetVersionRecord,
  StageLineage,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { randomUUID } from 'node:crypto';
import { AssetStore } from '../database/AssetStore';
import {
  DATASET_VERSION_PATTERN,
  DatasetStore,
} from '../database/DatasetStore';
import { resourceIdOf, upsertSourceRef } from '../database/sourceRefs';
import { addLineageEdges, type LineageEdge } from '../database/lineage';
import type { Integrations } from './Integrations';
import { Refusals } from './refusals';

type Source = ReturnType<Integrations['dataVersioning']>[number];

/** Kubernetes-style names, as pipeline names are elsewhere: lower case, digits and dashes. */
function kubeName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return name.slice(0, 63).replace(/-$/, '') || 'dvc';
}

/** Git tags may hold `/` and other characters a version label may not. */
export function versionLabel(label: string): string {
  const clean = label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-._]+/, '');
  return DATASET_VERSION_PATTERN.test(clean) ? clean : clean.slice(0, 128);
}

/**
 * Datasets, their versions and the pipeline stages between them, from the data-versioning
 * tools (DVC repositories) into the store. The tools are read-only here: a dataset version, once
 * recorded, is refreshed but never removed by the sync (history that a force-push rewrote stays
 * visible). A DVC stage becomes a pipeline of runtime `dvc`, and each revision's record of it in
 * dvc.lock a pipeline run that `used` its dependencies and `produced` its outputs, so lineage
 * reads dataset -> pipeline run -> dataset like any other pipeline.
 *
 * A version or dataset the store refuses (an invalid record, a value its database cannot hold) is
 * skipped, logged without its SQL and reported in the pass's `last_error`, and the pass goes on
 * (see Refusals); a store that does not answer fails the pass.
 */
export class DatasetSync {
  private readonly assets: AssetStore;
  private readonly datasets: DatasetStore;

  constructor(
    private readonly db: Knex,
    private readonly logger: LoggerService,
  ) {
    this.assets = new AssetStore(db);
    this.datasets = new DatasetStore(db, this.assets);
  }

  async sync(
    source: Source,
  ): Promise<{ versions: number; stages: number; skipped: number }> {
    const { adapter, connection } = source;
    const records = await connection.call(() => adapter.listDatasetVersions());
    const stages = adapter.listStageLineage
      ? await connection.call(() => adapter.listStageLineage!())
      : [];
    const refusals = new Refusals(
      this.db,
      this.logger,
      `dataset sync of ${connection.id}`,
    );
    let skipped = 0;
    const byDataset = new Map<string, DatasetVersionRecord[]>();
    for (const record of records) {
      byDataset.set(record.datasetName, [
        ...(byDataset.get(record.datasetName) ?? []),
        record,
      ]);
    }
    for (const [name, versions] of byDataset) {
      skipped += await this.syncDataset(
        connection.id,
        name,
        versions,
        refusals,
      );
    }
    for (const stage of stages) {
      await this.syncStage(connection.id, stage);
    }
    await this.db('sync_state')
      .insert({
        integration: connection.id,
        task: 'datasets',
        watermark: records.length,
        last_success_at: Date.now(),
        last_error: refusals.summary()?.slice(0, 1000) ?? null,
      })
      .onConflict(['integration', 'task'])
      .merge(['watermark', 'last_success_at', 'last_error']);
    this.logger.debug(
      `llm-ops dataset sync ${connection.id}: ${records.length} version(s), ${stages.length} stage run(s), ${skipped} skipped`,
    );
    return { versions: records.length, stages: stages.length, skipped };
  }

  /**
   * Answers how many of the versions were not stored: the ones the store refused (an invalid
   * record, or a value the database cannot hold), or all of them when it refused the dataset.
   * Each refusal is logged through `refusals`; a store that is down fails the pass.
   */
  private async syncDataset(
    integration: string,
    name: string,
    versions: DatasetVersionRecord[],
    refusals: Refusals,
  ): Promise<number> {
    const { stored, refusedParts } = await refusals.storeWithParts(
      'dataset',
      name,
      'dataset-version',
      async (tx, part) => {
        const datasetId = await this.ensureDataset(
          tx,
          integration,
          name,
          versions,
        );
        // Oldest first, so the labels a sync adds are in the order of the repository's history.
        const ordered = [...versions].sort(
          (a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0),
        );
        for (const record of ordered) {
          const label = versionLabel(record.version);
          await part(`${name}@${label}`, savepoint =>
            this.syncVersion(
              savepoint,
              integration,
              name,
              datasetId,
              label,
              record,
            ),
          );
        }
      },
    );
    return stored ? refusedParts : versions.length;
  }

  /** The llm-ops id of the dataset, created on first sight; its source ref refreshed. */
  private async ensureDataset(
    tx: Knex.Transaction,
    integration: string,
    name: string,
    versions: DatasetVersionRecord[],
  ): Promise<string> {
    let datasetId: string | undefined =
      (await resourceIdOf(tx, integration, 'dataset', name)) ??
      (await tx('assets').where({ kind: 'dataset', name }).first('id'))?.id;
    if (!datasetId) {
      datasetId = (
        await this.assets.create(
          'dataset',
          {
            name,
            description: versions[0]?.description,
            tags: { 'llm-ops.io/source': integration },
          },
          tx,
        )
      ).id;
    }
    await upsertSourceRef(tx, {
      integration,
      resourceType: 'dataset',
      externalId: name,
      resourceId: datasetId,
      url: versions[0]?.url ?? null,
    });
    return datasetId;
  }

  /** Records a version, or refreshes where its data is when its digest or URI moved. */
  private async syncVersion(
    tx: Knex.Transaction,
    integration: string,
    name: string,
    datasetId: string,
    label: string,
    record: DatasetVersionRecord,
  ): Promise<void> {
    const input = {
      version: label,
      description: record.description ?? null,
      uri: record.uri,
      digest: record.digest ?? null,
      sizeBytes: record.sizeBytes ?? null,
      fileCount: record.fileCount ?? null,
      format: record.format ?? null,
      sourceRepository: record.source,
      tags: (record.remoteUrl
        ? { 'dvc.remote': record.remoteUrl }
        : {}) as Record<string, string>,
    };
    const existing = await tx('versions')
      .where({ asset_id: datasetId, version: label })
      .first('id');
    let versionId: string;
    if (existing) {
      versionId = existing.id;
      const current = await this.datasets.getVersion(datasetId, label, tx);
      if (current.digest !== input.digest || current.uri !== input.uri) {
        await tx('versions')
          .where({ id: versionId })
          .update({
            spec: JSON.stringify({
              uri: input.uri,
              digest: input.digest,
              sizeBytes: input.sizeBytes,
              fileCount: input.fileCount,
              format: input.format,
              schema: current.schema,
              sourceRepository: input.sourceRepository,
            }),
            updated_at: Date.now(),
          });
      }
    } else {
      versionId = (
        await this.datasets.createVersion(datasetId, input, tx, {
          createdAt: record.createdAt || undefined,
        })
      ).id;
    }
    await upsertSourceRef(tx, {
      integration,
      resourceType: 'dataset-version',
      externalId: `${name}@${label}`,
      resourceId: versionId,
      url: record.url ?? null,
    });
  }

  private async syncStage(
    integration: string,
    stage: StageLineage,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const pipelineKey = `${stage.repository}#${stage.stage}`;
      let pipelineId = await resourceIdOf(
        tx,
        integration,
        'pipeline',
        pipelineKey,
      );
      if (!pipelineId) {
        const repoName = integration.slice(integration.indexOf(':') + 1);
        let name = kubeName('dvc', repoName, stage.stage);
        if (await tx('assets').where({ kind: 'pipeline', name }).first('id')) {
          // The name belongs to another pipeline (an Argo one, another repository's stage).
          name = kubeName(
            'dvc',
            repoName,
            stage.stage,
            randomUUID().slice(0, 6),
          );
        }
        pipelineId = (
          await this.assets.create(
            'pipeline',
            {
              name,
              description: `DVC stage '${stage.stage}' of ${stage.repository}`,
              tags: { 'llm-ops.io/source': integration },
              spec: {
                runtime: 'dvc',
                templateRef: null,
                cluster: null,
                namespace: null,
                parameters: {},
                stage: stage.stage,
                repository: stage.repository,
              },
            },
            tx,
          )
        ).id;
        await upsertSourceRef(tx, {
          integration,
          resourceType: 'pipeline',
          externalId: pipelineKey,
          resourceId: pipelineId,
        });
      }
      const runKey = `${pipelineKey}@${stage.revision}`;
      let runId = await resourceIdOf(tx, integration, 'pipeline-run', runKey);
      const parameters = JSON.stringify(stage.params);
      const at = stage.committedAt ?? null;
      if (!runId) {
        runId = randomUUID();
        const pipeline = await tx('assets')
          .where({ id: pipelineId })
          .first('name');
        const now = Date.now();
        await tx('pipeline_runs').insert({
          id: runId,
          pipeline_id: pipelineId,
          name: kubeName(pipeline.name, versionLabel(stage.version)),
          parameters,
          phase: 'Succeeded',
          nodes: JSON.stringify({
            progress: '1/1',
            nodes: [
              {
                id: stage.stage,
                name: stage.stage,
                displayName: stage.cmd ?? stage.stage,
                type: 'Pod',
                phase: 'Succeeded',
                startedAt: at,
                finishedAt: at,
                message: null,
              },
            ],
          }),
          started_at: at,
          finished_at: at,
          created_at: at ?? now,
          updated_at: now,
        });
        await upsertSourceRef(tx, {
          integration,
          resourceType: 'pipeline-run',
          externalId: runKey,
          resourceId: runId,
        });
      }
      const versionIds = async (refs: StageLineage['deps']) => {
        const ids: string[] = [];
        for (const ref of refs) {
          const id = await resourceIdOf(
            tx,
            integration,
            'dataset-version',
            `${ref.datasetName}@${versionLabel(ref.version)}`,
          );
          if (id) ids.push(id);
        }
        return ids;
      };
      const edges: LineageEdge[] = [
        ...(await versionIds(stage.deps)).map(toId => ({
          fromType: 'pipeline-run' as const,
          fromId: runId!,
          relation: 'used' as const,
          toType: 'dataset-version' as const,
          toId,
        })),
        ...(await versionIds(stage.outs)).map(toId => ({
          fromType: 'pipeline-run' as const,
          fromId: runId!,
          relation: 'produced' as const,
          toType: 'dataset-version' as const,
          toId,
        })),
      ];
      await addLineageEdges(tx, edges);
    });
  }
}
