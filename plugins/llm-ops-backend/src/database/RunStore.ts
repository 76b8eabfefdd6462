import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { InputError, NotFoundError } from '@backstage/errors';
import { searchRuns, type SearchRunsOptions } from '../query';
import type { AssetStore } from './AssetStore';
import { toMillis, toMillisOrNull } from './conversions';
import { addLineageEdges } from './lineage';
import { checkKeys } from './tags';
import { sourceFromColumn, type SourceInfo } from './sources';
import {
  jsonArrayAgg,
  jsonObject,
  jsonObjectAgg,
  readJsonColumn,
  sourceColumn,
} from './embeddedJson';
import { writeMetricBlocks } from './metricBlocks';
import { rowsPerInsert } from './rowsPerInsert';

export type RunStatus =
  | 'RUNNING'
  | 'SCHEDULED'
  | 'FINISHED'
  | 'FAILED'
  | 'KILLED';

export type RunMetricValue = { value: number; step: number; timestamp: number };

/** A run as the store knows it; times in ms since the epoch. */
export type StoredRun = {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  startTime: number | null;
  endTime: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, RunMetricValue>;
  datasetVersionIds: string[];
  lifecycle: 'active' | 'deleted';
  createdAt: number;
  updatedAt: number;
  source: SourceInfo;
};

export type RunCreateInput = {
  /** A pre-assigned llm-ops id (writes that stamp the id on the tool's resource first). */
  id?: string;
  experimentId: string;
  name?: string;
  status?: RunStatus;
  startTime?: number;
  params?: Record<string, string>;
  tags?: Record<string, string>;
};

export type RunPatch = {
  name?: string;
  status?: RunStatus;
  endTime?: number | null;
  tags?: Record<string, string>;
  lifecycle?: 'active' | 'deleted';
};

export type MetricPointInput = {
  key: string;
  value: number;
  step?: number;
  timestamp?: number;
};

const FINISHED_STATUSES = new Set(['FINISHED', 'FAILED', 'KILLED']);

/**
 * The run a param, tag or latest metric row belongs to. Those rows repeat the run's experiment
 * (run search starts from it, see the init migration); the store never moves a run to another
 * experiment (a sync that re-maps one updates its rows too, see syncUpserts).
 */
type RunRef = { id: string; experimentId: string };

function fieldError(field: string, message: string) {
  return Object.assign(new InputError(message), { field });
}

/**
 * Runs with their params, tags, latest metrics and metric history. The latest value of each
 * metric is kept in its own table as points arrive, so filters and ordering never scan history.
 */
export class RunStore {
  constructor(private readonly db: Knex, private readonly assets: AssetStore) {}

  async create(input: RunCreateInput, tx: Knex = this.db): Promise<StoredRun> {
    const experiment = await this.activeExperiment(input.experimentId, tx);
    const id = input.id ?? randomUUID();
    const now = Date.now();
    const status = input.status ?? 'RUNNING';
    await tx('runs').insert({
      id,
      experiment_id: experiment.id,
      name: input.name ?? `run-${id.slice(0, 8)}`,
      status,
      start_time: input.startTime ?? now,
      end_time: FINISHED_STATUSES.has(status) ? now : null,
      lifecycle: 'active',
      created_at: now,
      updated_at: now,
    });
    const run = { id, experimentId: experiment.id };
    await this.writeParams(tx, run, input.params);
    await this.writeTags(tx, run, input.tags);
    return this.get(id, tx);
  }

  /** The experiment a run goes into: it must exist and not be deleted (400 on experimentId). */
  async activeExperiment(idOrName: string, tx: Knex = this.db) {
    const experiment = await this.assets
      .get('experiment', idOrName, tx)
      .catch(error => {
        if (error.name === 'NotFoundError') {
          throw fieldError(
            'experimentId',
            `No experiment with id or name '${idOrName}'`,
          );
        }
        throw error;
      });
    if (experiment.lifecycle === 'deleted') {
      throw fieldError(
        'experimentId',
        `Experiment '${experiment.name}' is deleted; restore it first`,
      );
    }
    return experiment;
  }

  async get(runId: string, tx: Knex = this.db): Promise<StoredRun> {
    // One statement: the run with its params, tags, metrics, inputs and source as columns.
    const row = await tx('runs')
      .where({ id: runId })
      .first('runs.*', ...childColumns(tx, 'runs.id'));
    if (!row) throw new NotFoundError(`No run with id '${runId}'`);
    return toStoredRun(row);
  }

  async update(
    runId: string,
    patch: RunPatch,
    tx: Knex = this.db,
  ): Promise<StoredRun> {
    const current = await this.get(runId, tx);
    const now = Date.now();
    const changes: Record<string, unknown> = { updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.status !== undefined) {
      changes.status = patch.status;
      // A run that finishes without an explicit end time ends now, as in MLflow.
      if (
        FINISHED_STATUSES.has(patch.status) &&
        patch.endTime === undefined &&
        current.endTime === null
      ) {
        changes.end_time = now;
      }
    }
    if (patch.endTime !== undefined) changes.end_time = patch.endTime;
    if (patch.lifecycle !== undefined) {
      changes.lifecycle = patch.lifecycle;
      changes.deleted_at = patch.lifecycle === 'deleted' ? now : null;
    }
    await tx('runs').where({ id: runId }).update(changes);
    await this.writeTags(tx, current, patch.tags);
    return this.get(runId, tx);
  }

  /** A page of matching runs (see searchRuns for the filter and order languages). */
  async search(
    options: SearchRunsOptions,
  ): Promise<{ items: StoredRun[]; nextCursor: string | null }> {
    // The page's params, tags, metrics, inputs and source come in the search statement itself.
    const page = await searchRuns(this.db, options, pageAlias =>
      childColumns(this.db, `${pageAlias}.id`),
    );
    return {
      items: page.runs.map(row => toStoredRun(row)),
      nextCursor: page.nextCursor ?? null,
    };
  }

  /**
   * Logs metric points, params and tags in one transaction. Re-sent points are stored once
   * (their identity is run, key, step, timestamp, value, as in MLflow). Params are immutable:
   * a different value for a logged param is a 400.
   */
  async logBatch(
    runId: string,
    batch: {
      metrics?: MetricPointInput[];
      params?: Record<string, string>;
      tags?: Record<string, string>;
    },
    tx: Knex,
  ): Promise<void> {
    const row = await tx('runs')
      .where({ id: runId })
      .first('id', 'experiment_id', 'lifecycle');
    if (!row) throw new NotFoundError(`No run with id '${runId}'`);
    if (row.lifecycle === 'deleted') {
      throw new InputError(
        `Run '${runId}' is deleted; restore it before logging to it`,
      );
    }
    const run = { id: runId, experimentId: row.experiment_id as string };
    await this.writeParams(tx, run, batch.params);
    await this.writeTags(tx, run, batch.tags);
    const now = Date.now();
    const points = (batch.metrics ?? []).map(p => ({
      run_id: runId,
      key: p.key,
      step: p.step ?? 0,
      timestamp: p.timestamp ?? now,
      value: p.value,
    }));
    const chunk = rowsPerInsert(tx);
    for (let i = 0; i < points.length; i += chunk) {
      await tx('metric_points')
        .insert(points.slice(i, i + chunk))
        .onConflict(['run_id', 'key', 'step', 'timestamp', 'value'])
        .ignore();
    }
    await writeMetricBlocks(tx, runId, points);
    await this.updateLatest(tx, run, points);
    await tx('runs').where({ id: runId }).update({ updated_at: now });
  }

  /** Records the dataset versions a run used, as lineage edges. */
  async addInputs(
    runId: string,
    datasetVersionIds: string[],
    tx: Knex,
  ): Promise<void> {
    await this.get(runId, tx);
    const known = await tx('versions')
      .join('assets', 'assets.id', 'versions.asset_id')
      .where('assets.kind', 'dataset')
      .whereIn('versions.id', datasetVersionIds)
      .pluck('versions.id');
    const unknown = datasetVersionIds.filter(id => !known.includes(id));
    if (unknown.length > 0) {
      throw fieldError(
        'datasetVersionIds',
        `No dataset version with id ${unknown.map(u => `'${u}'`).join(', ')}`,
      );
    }
    await addLineageEdges(
      tx,
      datasetVersionIds.map(id => ({
        fromType: 'run' as const,
        fromId: runId,
        relation: 'used' as const,
        toType: 'dataset-version' as const,
        toId: id,
      })),
    );
  }

  private async writeParams(
    tx: Knex,
    run: RunRef,
    params?: Record<string, string>,
  ) {
    checkKeys('params', params);
    const entries = Object.entries(params ?? {});
    if (entries.length === 0) return;
    const existing = await tx('run_params')
      .where('run_id', run.id)
      .whereIn(
        'key',
        entries.map(([k]) => k),
      )
      .select('key', 'value');
    for (const row of existing) {
      if (params![row.key] !== row.value) {
        throw fieldError(
          `params.${row.key}`,
          `Param '${row.key}' is already logged with value '${row.value}'; params cannot change`,
        );
      }
    }
    const fresh = entries.filter(([k]) => !existing.some(r => r.key === k));
    if (fresh.length > 0) {
      await tx('run_params').insert(
        fresh.map(([key, value]) => ({
          run_id: run.id,
          experiment_id: run.experimentId,
          key,
          value,
        })),
      );
    }
  }

  private async writeTags(
    tx: Knex,
    run: RunRef,
    tags?: Record<string, string>,
  ) {
    checkKeys('tags', tags);
    const entries = Object.entries(tags ?? {});
    const removed = entries.filter(([, v]) => v === '').map(([k]) => k);
    const kept = entries.filter(([, v]) => v !== '');
    if (removed.length > 0) {
      await tx('run_tags')
        .where('run_id', run.id)
        .whereIn('key', removed)
        .delete();
    }
    if (kept.length > 0) {
      await tx('run_tags')
        .insert(
          kept.map(([key, value]) => ({
            run_id: run.id,
            experiment_id: run.experimentId,
            key,
            value,
          })),
        )
        .onConflict(['run_id', 'key'])
        .merge(['value']);
    }
  }

  /**
   * Keeps run_latest_metrics at the point with the highest step, then the latest timestamp,
   * then the highest value (MLflow's rule), comparing with what is already stored.
   */
  private async updateLatest(
    tx: Knex,
    run: RunRef,
    points: Array<{
      run_id: string;
      key: string;
      step: number;
      timestamp: number;
      value: number;
    }>,
  ) {
    const newest = new Map<string, (typeof points)[number]>();
    for (const p of points) {
      const best = newest.get(p.key);
      if (
        !best ||
        p.step > best.step ||
        (p.step === best.step &&
          (p.timestamp > best.timestamp ||
            (p.timestamp === best.timestamp && p.value > best.value)))
      ) {
        newest.set(p.key, p);
      }
    }
    for (const p of newest.values()) {
      await tx('run_latest_metrics')
        .insert({ ...p, experiment_id: run.experimentId })
        .onConflict(['run_id', 'key'])
        .merge(['value', 'step', 'timestamp'])
        .where(function newer() {
          this.where('run_latest_metrics.step', '<', p.step).orWhere(
            function sameStep() {
              this.where('run_latest_metrics.step', p.step).andWhere(
                function later() {
                  this.where(
                    'run_latest_metrics.timestamp',
                    '<',
                    p.timestamp,
                  ).orWhere(function same() {
                    this.where(
                      'run_latest_metrics.timestamp',
                      p.timestamp,
                    ).andWhere('run_latest_metrics.value', '<', p.value);
                  });
                },
              );
            },
          );
        });
    }
  }
}

/**
 * A run's params, tags, latest metrics, input dataset versions and primary source, each as a
 * JSON column (see embeddedJson.ts) of the run whose id is `runId`; toStoredRun reads them.
 */
function childColumns(db: Knex, runId: string): Knex.Raw[] {
  return [
    db.raw(
      `(select ${jsonObjectAgg(
        db,
        'p.key',
        'p.value',
      )} from run_params p where p.run_id = ??) as params`,
      [runId],
    ),
    db.raw(
      `(select ${jsonObjectAgg(
        db,
        't.key',
        't.value',
      )} from run_tags t where t.run_id = ??) as tags`,
      [runId],
    ),
    db.raw(
      `(select ${jsonObjectAgg(
        db,
        'm.key',
        jsonObject(db, {
          value: 'm.value',
          step: 'm.step',
          timestamp: 'm.timestamp',
        }),
      )} from run_latest_metrics m where m.run_id = ??) as metrics`,
      [runId],
    ),
    db.raw(
      `(select ${jsonArrayAgg(
        db,
        'e.to_id',
      )} from lineage_edges e where e.from_id = ?? and e.relation = 'used' and e.to_type = 'dataset-version') as inputs`,
      [runId],
    ),
    sourceColumn(db, runId),
  ];
}

/** A runs row with the columns of childColumns, as the store's run. */
function toStoredRun(row: Record<string, any>): StoredRun {
  const metrics: Record<string, RunMetricValue> = {};
  for (const [key, m] of Object.entries(
    readJsonColumn<Record<string, Record<string, unknown>>>(row.metrics) ?? {},
  )) {
    // Number(): PostgreSQL writes non-finite doubles into JSON as "NaN" / "Infinity".
    metrics[key] = {
      value: Number(m.value),
      step: toMillis(m.step),
      timestamp: toMillis(m.timestamp),
    };
  }
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    status: row.status,
    startTime: toMillisOrNull(row.start_time),
    endTime: toMillisOrNull(row.end_time),
    params: readJsonColumn<Record<string, string>>(row.params) ?? {},
    tags: readJsonColumn<Record<string, string>>(row.tags) ?? {},
    metrics,
    datasetVersionIds: (readJsonColumn<string[]>(row.inputs) ?? [])
      .filter(inputId => inputId !== null)
      .sort(),
    lifecycle: row.lifecycle ?? (row.deleted_at ? 'deleted' : 'active'),
    createdAt: toMillis(row.created_at),
    updatedAt: toMillis(row.updated_at),
    source: sourceFromColumn(row.embedded_source),
  };
}
