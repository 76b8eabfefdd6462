import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parse } from 'yaml';
import { AssetStore } from '../database/AssetStore';
import { RunStore, type RunStatus } from '../database/RunStore';
import { ModelStore } from '../database/ModelStore';
import { DatasetStore } from '../database/DatasetStore';
import { EndpointStore } from '../database/EndpointStore';
import { PipelineStore } from '../database/PipelineStore';
import { PipelineRunStore } from '../database/PipelineRunStore';
import { curvePoints, type CurveSpec } from './curves';

type DemoFile = {
  datasets?: Array<{
    name: string;
    owner?: string;
    description?: string;
    tags?: Record<string, string>;
    versions: Array<Record<string, any> & { version: string; uri: string }>;
  }>;
  experiments?: Array<{
    name: string;
    owner?: string;
    description?: string;
    tags?: Record<string, string>;
    runs: Array<{
      name: string;
      params?: Record<string, string>;
      curve: CurveSpec;
      inputs?: string[];
      status?: RunStatus;
    }>;
  }>;
  models?: Array<{
    name: string;
    owner?: string;
    description?: string;
    tags?: Record<string, string>;
    versions: Array<{ fromRun: string; artifactUri: string }>;
    aliases?: Record<string, string>;
  }>;
  endpoints?: Array<{
    name: string;
    owner?: string;
    description?: string;
    runtime: 'builtin' | 'kserve' | 'ray-serve';
    minReplicas?: number;
    maxReplicas?: number;
    stable: { model: string; version: string };
    canary?: { model: string; version: string; percent: number };
  }>;
  pipelines?: Array<{
    name: string;
    owner?: string;
    description?: string;
    runtime: 'builtin' | 'argo';
    parameters?: Record<string, string>;
    runs: Array<{
      name: string;
      parameters?: Record<string, string>;
      phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
      progress?: string;
      nodes?: Array<Record<string, string>>;
      used?: string[];
      ran?: string[];
      produced?: string[];
    }>;
  }>;
};

const DAY = 24 * 60 * 60 * 1000;

/**
 * Seeds the demo story of examples/llm-ops-demo.yaml into an EMPTY store, in one transaction:
 * a half-seeded store is never left behind, and a store that holds anything is never touched.
 * References in the file are by name: `dataset@version`, `experiment/run`, `model@version`.
 */
export async function seedDemoData(options: {
  db: Knex;
  file: string;
  logger: LoggerService;
}): Promise<boolean> {
  const { db, logger } = options;
  if (await db('assets').first('id')) return false;
  const demo = parse(await readFile(options.file, 'utf8')) as DemoFile;
  const started = Date.now();

  await db.transaction(async tx => {
    const assets = new AssetStore(tx);
    const runs = new RunStore(tx, assets);
    const models = new ModelStore(tx, assets);
    const datasets = new DatasetStore(tx, assets);
    const endpoints = new EndpointStore(tx, assets);
    const pipelines = new PipelineStore(tx, assets);
    const pipelineRuns = new PipelineRunStore(tx);
    const datasetVersionIds = new Map<string, string>();
    const runIds = new Map<string, string>();
    const modelVersionIds = new Map<string, string>();

    for (const d of demo.datasets ?? []) {
      await datasets.create(
        {
          name: d.name,
          owner: d.owner,
          description: d.description,
          tags: d.tags,
        },
        tx,
      );
      for (const v of d.versions) {
        const created = await datasets.createVersion(d.name, v as any, tx);
        datasetVersionIds.set(`${d.name}@${v.version}`, created.id);
      }
    }

    let runIndex = 0;
    for (const e of demo.experiments ?? []) {
      await assets.create(
        'experiment',
        {
          name: e.name,
          owner: e.owner,
          description: e.description,
          tags: e.tags,
        },
        tx,
      );
      for (const r of e.runs) {
        // Runs spread over the past weeks, newest last, so "recent runs" reads naturally.
        const startTime = Date.now() - (20 - runIndex++) * DAY;
        const run = await runs.create(
          { experimentId: e.name, name: r.name, params: r.params, startTime },
          tx,
        );
        runIds.set(`${e.name}/${r.name}`, run.id);
        await runs.logBatch(
          run.id,
          { metrics: curvePoints(`${e.name}/${r.name}`, r.curve, startTime) },
          tx,
        );
        const inputs = (r.inputs ?? []).map(ref =>
          required(datasetVersionIds, ref, 'dataset version'),
        );
        if (inputs.length > 0) await runs.addInputs(run.id, inputs, tx);
        const status = r.status ?? 'FINISHED';
        if (status !== 'RUNNING') {
          await runs.update(
            run.id,
            { status, endTime: startTime + r.curve.steps * 60_000 },
            tx,
          );
        }
      }
    }

    for (const m of demo.models ?? []) {
      await models.create(
        {
          name: m.name,
          owner: m.owner,
          description: m.description,
          tags: m.tags,
        },
        tx,
      );
      for (const v of m.versions) {
        const created = await models.createVersion(
          m.name,
          {
            artifactUri: v.artifactUri,
            sourceRunId: required(runIds, v.fromRun, 'run'),
          },
          tx,
        );
        modelVersionIds.set(`${m.name}@${created.version}`, created.id);
      }
      for (const [alias, version] of Object.entries(m.aliases ?? {})) {
        await models.setAlias(m.name, alias, version, tx);
      }
    }

    for (const ep of demo.endpoints ?? []) {
      await endpoints.create(
        {
          name: ep.name,
          owner: ep.owner,
          description: ep.description,
          runtime: ep.runtime,
          minReplicas: ep.minReplicas,
          maxReplicas: ep.maxReplicas,
          modelVersionId: required(
            modelVersionIds,
            `${ep.stable.model}@${ep.stable.version}`,
            'model version',
          ),
        },
        tx,
      );
      if (ep.canary) {
        await endpoints.deploy(
          ep.name,
          {
            modelVersionId: required(
              modelVersionIds,
              `${ep.canary.model}@${ep.canary.version}`,
              'model version',
            ),
            canaryPercent: ep.canary.percent,
          },
          tx,
        );
      }
    }

    for (const p of demo.pipelines ?? []) {
      const pipeline = await pipelines.create(
        {
          name: p.name,
          owner: p.owner,
          description: p.description,
          runtime: p.runtime,
          parameters: p.parameters,
        },
        tx,
      );
      for (const r of p.runs) {
        const run = await pipelineRuns.submit(
          pipeline,
          { name: r.name, parameters: r.parameters },
          tx,
        );
        await pipelineRuns.update(
          run.id,
          { phase: r.phase, progress: r.progress, nodes: r.nodes as any },
          tx,
        );
        await pipelineRuns.link(
          run.id,
          {
            used: (r.used ?? []).map(ref =>
              required(datasetVersionIds, ref, 'dataset version'),
            ),
            ran: (r.ran ?? []).map(ref => required(runIds, ref, 'run')),
            produced: (r.produced ?? []).map(ref =>
              required(modelVersionIds, ref, 'model version'),
            ),
          },
          tx,
        );
      }
    }
  });
  logger.info(
    `llm-ops demo data seeded from ${options.file} in ${
      Date.now() - started
    } ms`,
  );
  return true;
}

function required(map: Map<string, string>, ref: string, what: string): string {
  const id = map.get(ref);
  if (!id) throw new Error(`Demo data refers to unknown ${what} '${ref}'`);
  return id;
}
