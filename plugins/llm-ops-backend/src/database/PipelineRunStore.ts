import { randomInt, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  applyKeyset,
  applyKeysetOrder,
  decodeCursor,
  pageOf,
  type KeysetColumn,
} from '../query';
import { isUuid, parseJson, toMillis, toMillisOrNull } from './conversions';
import { BUILTIN_SOURCE, loadSources, type SourceInfo } from './sources';
import { addLineageEdges, type LineageEdge } from './lineage';
import { DEFAULT_PAGE_SIZE } from './AssetStore';
import { checkParameters, type Pipeline } from './PipelineStore';

export type PipelineRunPhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Error';

export const FINISHED_PHASES: ReadonlySet<PipelineRunPhase> = new Set([
  'Succeeded',
  'Failed',
  'Error',
]);

export type PipelineRunNodePhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Skipped'
  | 'Failed'
  | 'Error'
  | 'Omitted';

/** One step of a run (an Argo node); times in ms since epoch. */
export type PipelineRunNode = {
  id: string;
  name: string;
  displayName: string;
  type: string;
  phase: PipelineRunNodePhase;
  startedAt: number | null;
  finishedAt: number | null;
  message: string | null;
};

/** A row of `pipeline_runs` with what it inherits from its pipeline; times in ms since epoch. */
export type PipelineRun = {
  id: string;
  pipelineId: string;
  pipelineName: string;
  name: string;
  parameters: Record<string, string>;
  phase: PipelineRunPhase;
  progress: string | null;
  nodes: PipelineRunNode[];
  startedAt: number | null;
  finishedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** Where the run executes: the pipeline's cluster and namespace. */
  cluster: string | null;
  namespace: string | null;
  source: SourceInfo;
};

type TimeInput = Date | string | number | null | undefined;

export type PipelineRunNodeInput = {
  id: string;
  name: string;
  displayName?: string;
  type: string;
  phase: PipelineRunNodePhase;
  startedAt?: TimeInput;
  finishedAt?: TimeInput;
  message?: string | null;
};

export type PipelineRunSubmission = {
  name?: string;
  parameters?: Record<string, string>;
};

/** What a sync or the built-in runner reports; absent fields stay as they are. */
export type PipelineRunReport = {
  phase?: PipelineRunPhase;
  progress?: string | null;
  nodes?: PipelineRunNodeInput[];
  startedAt?: TimeInput;
  finishedAt?: TimeInput;
};

export type PipelineRunLinks = {
  ran?: string[];
  used?: string[];
  produced?: string[];
};

export type PipelineRunEdge = {
  relation: 'ran' | 'used' | 'produced';
  toType: 'run' | 'dataset-version' | 'model-version';
  toId: string;
};

export type PipelineRunListOptions = {
  pageSize?: number;
  cursor?: string;
  phase?: PipelineRunPhase;
};

const LIST_SCOPE = 'pipeline-runs:-createdAt';
const listColumns: KeysetColumn[] = [
  { expr: 'pipeline_runs.created_at', direction: 'desc', nullable: false },
  { expr: 'pipeline_runs.id', direction: 'desc', nullable: false },
];

function fieldError(field: string, message: string) {
  return Object.assign(new InputError(message), { field });
}

function toTime(value: TimeInput, field: string): number | null {
  if (value === null || value === undefined) return null;
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw fieldError(field, `${field} must be an ISO 8601 date-time`);
  }
  return ms;
}

/** An Argo-like generateName suffix: five lower-case letters or digits. */
function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[randomInt(alphabet.length)];
  return suffix;
}

/*
 * `pipeline_runs.nodes` holds `{"progress": "3/5", "nodes": [...]}`: the table has no column
 * for the progress. A plain JSON array (nodes only, no progress) is read as well.
 */
function parseNodesColumn(text: unknown): {
  progress: string | null;
  nodes: PipelineRunNode[];
} {
  const parsed = parseJson<unknown>(text, null);
  if (Array.isArray(parsed)) return { progress: null, nodes: parsed };
  const object = (parsed ?? {}) as { progress?: string; nodes?: unknown };
  return {
    progress: object.progress ?? null,
    nodes: Array.isArray(object.nodes) ? object.nodes : [],
  };
}

function nodesColumn(progress: string | null, nodes: PipelineRunNode[]) {
  return JSON.stringify({ progress, nodes });
}

/**
 * Runs of pipelines (`pipeline_runs`): submission with the pipeline's parameter defaults,
 * status reports from syncs and the built-in runner, keyset pages newest first, and the
 * lineage a run records (`ran`, `used`, `produced`).
 */
export class PipelineRunStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records a new run, Pending. Parameters the pipeline does not declare are a 400 naming the
   * parameter; declared ones not given take the pipeline's defaults.
   */
  async submit(
    pipeline: Pipeline,
    submission: PipelineRunSubmission,
    tx: Knex = this.db,
  ): Promise<PipelineRun> {
    const given = submission.parameters ?? {};
    checkParameters(given);
    const unknown = Object.keys(given).filter(
      name => !Object.prototype.hasOwnProperty.call(pipeline.parameters, name),
    );
    if (unknown.length > 0) {
      const declared = Object.keys(pipeline.parameters);
      throw fieldError(
        `parameters/${unknown[0]}`,
        `Pipeline '${pipeline.asset.name}' declares no parameter ${unknown
          .map(n => `'${n}'`)
          .join(', ')}; it declares ${
          declared.length > 0
            ? declared.map(n => `'${n}'`).join(', ')
            : 'no parameters'
        }`,
      );
    }
    const now = Date.now();
    const id = randomUUID();
    await tx('pipeline_runs').insert({
      id,
      pipeline_id: pipeline.asset.id,
      name: submission.name ?? `${pipeline.asset.name}-${randomSuffix()}`,
      parameters: JSON.stringify({ ...pipeline.parameters, ...given }),
      phase: 'Pending',
      nodes: nodesColumn(null, []),
      started_at: null,
      finished_at: null,
      created_at: now,
      updated_at: now,
    });
    return this.get(id, tx);
  }

  /** By llm-ops id; NotFoundError otherwise. */
  async get(runId: string, tx: Knex = this.db): Promise<PipelineRun> {
    const row = isUuid(runId)
      ? await tx('pipeline_runs').where({ id: runId }).first()
      : undefined;
    if (!row) throw new NotFoundError(`No pipeline run with id '${runId}'`);
    const asset = await tx('assets')
      .where({ id: row.pipeline_id })
      .first('name', 'spec');
    const spec = parseJson<Record<string, any>>(asset.spec, {});
    const [run] = await this.hydrate(tx, [row], {
      name: asset.name,
      cluster: spec.cluster ?? null,
      namespace: spec.namespace ?? null,
    });
    return run;
  }

  /** Runs of one pipeline, newest first (then by id), a keyset page at a time. */
  async list(
    pipeline: Pipeline,
    options: PipelineRunListOptions,
  ): Promise<{ items: PipelineRun[]; nextCursor: string | null }> {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const after = options.cursor
      ? decodeCursor(options.cursor, LIST_SCOPE)
      : undefined;
    const query = this.db('pipeline_runs')
      .where('pipeline_runs.pipeline_id', pipeline.asset.id)
      .select('pipeline_runs.*');
    if (options.phase) query.where('pipeline_runs.phase', options.phase);
    applyKeyset(query, listColumns, after);
    applyKeysetOrder(query, listColumns);
    const rows = await query.limit(pageSize + 1);
    const page = pageOf(
      rows,
      pageSize,
      row => [toMillis(row.created_at), row.id],
      LIST_SCOPE,
    );
    return {
      items: await this.hydrate(this.db, page.items, {
        name: pipeline.asset.name,
        cluster: pipeline.cluster,
        namespace: pipeline.namespace,
      }),
      nextCursor: page.nextCursor ?? null,
    };
  }

  /**
   * Applies a report. Running sets startedAt when unknown; a finished phase sets finishedAt
   * when unknown; going back to Pending or Running (an Argo retry) clears finishedAt.
   */
  async update(
    runId: string,
    report: PipelineRunReport,
    tx: Knex,
  ): Promise<PipelineRun> {
    const current = await this.lockedRow(runId, tx);
    const now = Date.now();
    const stored = parseNodesColumn(current.nodes);
    const phase: PipelineRunPhase = report.phase ?? current.phase;
    let startedAt =
      report.startedAt !== undefined
        ? toTime(report.startedAt, 'startedAt')
        : toMillisOrNull(current.started_at);
    let finishedAt =
      report.finishedAt !== undefined
        ? toTime(report.finishedAt, 'finishedAt')
        : toMillisOrNull(current.finished_at);
    const finished = FINISHED_PHASES.has(phase);
    if (phase === 'Running' && startedAt === null) startedAt = now;
    if (finished && finishedAt === null) finishedAt = now;
    if (!finished && finishedAt !== null) {
      if (report.finishedAt !== undefined && report.finishedAt !== null) {
        throw fieldError(
          'finishedAt',
          `A run in phase ${phase} has not finished; finishedAt must be null`,
        );
      }
      finishedAt = null;
    }
    if (startedAt !== null && finishedAt !== null && finishedAt < startedAt) {
      throw fieldError('finishedAt', 'finishedAt must not be before startedAt');
    }
    const nodes =
      report.nodes !== undefined
        ? report.nodes.map((n, i) => toNode(n, i))
        : stored.nodes;
    const progress =
      report.progress !== undefined ? report.progress : stored.progress;
    await tx('pipeline_runs')
      .where({ id: current.id })
      .update({
        phase,
        started_at: startedAt,
        finished_at: finishedAt,
        nodes: nodesColumn(progress, nodes),
        updated_at: now,
      });
    return this.get(current.id, tx);
  }

  /**
   * What the orchestrator reports (an Argo Workflow's status), as it is: phase, progress, nodes
   * and times are the tool's, without the checks a PATCH gets. Nothing is written when nothing
   * changed, so replaying the same report (a watch relisting) is harmless. Answers whether the
   * run changed.
   */
  async recordObserved(
    runId: string,
    report: {
      phase: PipelineRunPhase;
      progress: string | null;
      nodes: PipelineRunNodeInput[];
      startedAt: number | null;
      finishedAt: number | null;
    },
    tx: Knex,
  ): Promise<boolean> {
    const current = await this.lockedRow(runId, tx);
    const lenientTime = (value: TimeInput) => {
      try {
        return toTime(value, 'time');
      } catch {
        return null;
      }
    };
    const nodes: PipelineRunNode[] = report.nodes.map(n => ({
      id: n.id,
      name: n.name,
      displayName: n.displayName ?? n.name,
      type: n.type,
      phase: n.phase,
      startedAt: lenientTime(n.startedAt),
      finishedAt: lenientTime(n.finishedAt),
      message: n.message ?? null,
    }));
    const next = {
      phase: report.phase,
      started_at: report.startedAt,
      finished_at: report.finishedAt,
      nodes: nodesColumn(report.progress, nodes),
    };
    const stored = parseNodesColumn(current.nodes);
    if (
      current.phase === next.phase &&
      toMillisOrNull(current.started_at) === next.started_at &&
      toMillisOrNull(current.finished_at) === next.finished_at &&
      nodesColumn(stored.progress, stored.nodes) === next.nodes
    ) {
      return false;
    }
    await tx('pipeline_runs')
      .where({ id: current.id })
      .update({ ...next, updated_at: Date.now() });
    return true;
  }

  /**
   * Records lineage leaving the run: `ran` experiment runs, `used` dataset versions,
   * `produced` model or dataset versions. An unknown id is a 400 naming its field; nothing is
   * written then. Answers every edge leaving the run.
   */
  async link(
    runId: string,
    links: PipelineRunLinks,
    tx: Knex,
  ): Promise<PipelineRunEdge[]> {
    const run = await this.get(runId, tx);
    const edges: LineageEdge[] = [];
    const unique = (ids: string[] | undefined) => [...new Set(ids ?? [])];
    const what: Record<keyof PipelineRunLinks, string> = {
      ran: 'experiment run',
      used: 'dataset version',
      produced: 'model or dataset version',
    };
    const missing = (
      field: keyof PipelineRunLinks,
      wanted: string[],
      found: Set<string>,
    ) => {
      const unknown = wanted.filter(id => !found.has(id));
      if (unknown.length > 0) {
        throw fieldError(
          field,
          `Unknown ${what[field]} id(s) in ${field}: ${unknown
            .slice(0, 10)
            .join(', ')}`,
        );
      }
    };
    const versionKinds = async (ids: string[], kinds: string[]) => {
      if (ids.length === 0) return new Map<string, string>();
      const rows = await tx('versions')
        .join('assets', 'assets.id', 'versions.asset_id')
        .whereIn('versions.id', ids)
        .whereIn('assets.kind', kinds)
        .select('versions.id as id', 'assets.kind as kind');
      return new Map<string, string>(rows.map(r => [r.id, r.kind]));
    };

    const ran = unique(links.ran);
    if (ran.length > 0) {
      const found = new Set<string>(
        (await tx('runs').whereIn('id', ran).select('id')).map(r => r.id),
      );
      missing('ran', ran, found);
      for (const toId of ran) {
        edges.push({
          fromType: 'pipeline-run',
          fromId: run.id,
          relation: 'ran',
          toType: 'run',
          toId,
        });
      }
    }
    const used = unique(links.used);
    const usedKinds = await versionKinds(used, ['dataset']);
    missing('used', used, new Set(usedKinds.keys()));
    for (const toId of used) {
      edges.push({
        fromType: 'pipeline-run',
        fromId: run.id,
        relation: 'used',
        toType: 'dataset-version',
        toId,
      });
    }
    const produced = unique(links.produced);
    const producedKinds = await versionKinds(produced, ['model', 'dataset']);
    missing('produced', produced, new Set(producedKinds.keys()));
    for (const toId of produced) {
      edges.push({
        fromType: 'pipeline-run',
        fromId: run.id,
        relation: 'produced',
        toType:
          producedKinds.get(toId) === 'model'
            ? 'model-version'
            : 'dataset-version',
        toId,
      });
    }
    await addLineageEdges(tx, edges);
    return this.edgesOf(run.id, tx);
  }

  /** The lineage edges leaving a run, in a stable order. */
  async edgesOf(runId: string, tx: Knex = this.db): Promise<PipelineRunEdge[]> {
    const rows = await tx('lineage_edges')
      .where({ from_id: runId })
      .whereIn('relation', ['ran', 'used', 'produced'])
      .orderBy([
        { column: 'relation' },
        { column: 'to_type' },
        { column: 'to_id' },
      ])
      .select('relation', 'to_type', 'to_id');
    return rows.map(r => ({
      relation: r.relation,
      toType: r.to_type,
      toId: r.to_id,
    }));
  }

  /** The run's row; locked until the transaction ends on PostgreSQL. */
  private async lockedRow(runId: string, tx: Knex) {
    if (!isUuid(runId)) {
      throw new NotFoundError(`No pipeline run with id '${runId}'`);
    }
    const query = tx('pipeline_runs').where({ id: runId });
    if (!tx.client.config.client.includes('sqlite')) query.forUpdate();
    const row = await query.first();
    if (!row) throw new NotFoundError(`No pipeline run with id '${runId}'`);
    return row;
  }

  private async hydrate(
    db: Knex,
    rows: any[],
    pipeline: {
      name: string;
      cluster: string | null;
      namespace: string | null;
    },
  ): Promise<PipelineRun[]> {
    const sources = await loadSources(
      db,
      rows.map(r => r.id),
    );
    return rows.map(row => {
      const { progress, nodes } = parseNodesColumn(row.nodes);
      return {
        id: row.id,
        pipelineId: row.pipeline_id,
        pipelineName: pipeline.name,
        name: row.name,
        parameters: parseJson(row.parameters, {}),
        phase: row.phase,
        progress,
        nodes,
        startedAt: toMillisOrNull(row.started_at),
        finishedAt: toMillisOrNull(row.finished_at),
        createdAt: toMillis(row.created_at),
        updatedAt: toMillis(row.updated_at),
        cluster: pipeline.cluster,
        namespace: pipeline.namespace,
        source: sources.get(row.id) ?? BUILTIN_SOURCE,
      };
    });
  }
}

function toNode(input: PipelineRunNodeInput, index: number): PipelineRunNode {
  const startedAt = toTime(input.startedAt, `nodes/${index}/startedAt`);
  const finishedAt = toTime(input.finishedAt, `nodes/${index}/finishedAt`);
  if (startedAt !== null && finishedAt !== null && finishedAt < startedAt) {
    throw fieldError(
      `nodes/${index}/finishedAt`,
      'finishedAt must not be before startedAt',
    );
  }
  return {
    id: input.id,
    name: input.name,
    displayName: input.displayName ?? input.name,
    type: input.type,
    phase: input.phase,
    startedAt,
    finishedAt,
    message: input.message ?? null,
  };
}
