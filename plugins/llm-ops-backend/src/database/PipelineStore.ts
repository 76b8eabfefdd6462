import type { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import { AssetStore, type Asset, type AssetListOptions } from './AssetStore';

/** dvc pipelines are synced from repositories (DatasetSync), never created through the API. */
export type PipelineRuntime = 'argo' | 'builtin' | 'dvc';

export type PipelineTemplateRef = {
  kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate';
  name: string;
};

/** An asset of kind 'pipeline'; its spec JSON holds the runtime, template and parameters. */
export type Pipeline = {
  asset: Asset;
  runtime: PipelineRuntime;
  templateRef: PipelineTemplateRef | null;
  cluster: string | null;
  namespace: string | null;
  /** Declared parameter names and their defaults. */
  parameters: Record<string, string>;
};

export type PipelineInput = {
  name: string;
  description?: string;
  owner?: string;
  tags?: Record<string, string>;
  runtime: PipelineRuntime;
  templateRef?: PipelineTemplateRef | null;
  cluster?: string | null;
  namespace?: string | null;
  parameters?: Record<string, string>;
};

export type PipelinePatch = {
  description?: string | null;
  owner?: string | null;
  tags?: Record<string, string>;
  templateRef?: PipelineTemplateRef | null;
  cluster?: string | null;
  namespace?: string | null;
  /** Replaces the declared parameters. */
  parameters?: Record<string, string>;
};

export type PipelineListOptions = Omit<AssetListOptions, 'lifecycle'>;

/** Argo parameter names; also safe as keys of the run's parameter JSON. */
const PARAMETER_NAME = /^[A-Za-z0-9_][-A-Za-z0-9_.]{0,127}$/;
export const MAX_PARAMETERS = 100;

function fieldError(field: string, message: string) {
  return Object.assign(new InputError(message), { field });
}

/** `tags.key` is varchar(250); OpenAPI 3.0 cannot bound object keys, so check them here. */
const MAX_TAG_KEY = 250;

function checkTagKeys(tags: Record<string, string> | undefined): void {
  for (const key of Object.keys(tags ?? {})) {
    if (key.length === 0 || key.length > MAX_TAG_KEY) {
      throw fieldError(
        'tags',
        `Tag keys must be 1 to ${MAX_TAG_KEY} characters long`,
      );
    }
  }
}

/** Checks parameter names and values (strings) of a declaration or a submission. */
export function checkParameters(
  parameters: Record<string, unknown> | undefined,
): void {
  if (!parameters) return;
  const entries = Object.entries(parameters);
  if (entries.length > MAX_PARAMETERS) {
    throw fieldError(
      'parameters',
      `At most ${MAX_PARAMETERS} parameters are allowed`,
    );
  }
  for (const [name, value] of entries) {
    if (!PARAMETER_NAME.test(name)) {
      throw fieldError(
        `parameters/${name}`,
        `Invalid parameter name '${name}': use letters, digits, '-', '_' and '.', at most 128 characters`,
      );
    }
    if (typeof value !== 'string') {
      throw fieldError(
        `parameters/${name}`,
        `Parameter '${name}' must be a string`,
      );
    }
  }
}

function checkTemplate(
  runtime: PipelineRuntime,
  templateRef: PipelineTemplateRef | null,
) {
  if (runtime === 'argo' && !templateRef) {
    throw fieldError(
      'templateRef',
      'An argo pipeline needs a templateRef (a WorkflowTemplate or ClusterWorkflowTemplate)',
    );
  }
  if (runtime === 'builtin' && templateRef) {
    throw fieldError(
      'templateRef',
      'A builtin pipeline has no templateRef; use runtime argo for Argo templates',
    );
  }
}

/**
 * Pipelines: assets of kind 'pipeline'. Their runs live in `pipeline_runs` (PipelineRunStore);
 * deleting a pipeline removes its runs and their lineage edges in the same transaction.
 */
export class PipelineStore {
  private readonly assets: AssetStore;

  constructor(private readonly db: Knex, assets?: AssetStore) {
    this.assets = assets ?? new AssetStore(db);
  }

  async create(input: PipelineInput, tx: Knex = this.db): Promise<Pipeline> {
    if (input.runtime === 'dvc') {
      throw fieldError(
        'runtime',
        'dvc pipelines are read from the dvc.lock of a repository by the DVC integration; create argo or builtin pipelines',
      );
    }
    checkTagKeys(input.tags);
    const templateRef = input.templateRef ?? null;
    checkTemplate(input.runtime, templateRef);
    checkParameters(input.parameters);
    const asset = await this.assets.create(
      'pipeline',
      {
        name: input.name,
        description: input.description,
        owner: input.owner,
        tags: input.tags,
        spec: {
          runtime: input.runtime,
          templateRef: templateRef
            ? { kind: templateRef.kind, name: templateRef.name }
            : null,
          cluster: input.cluster ?? null,
          namespace: input.namespace ?? null,
          parameters: input.parameters ?? {},
        },
      },
      tx,
    );
    return toPipeline(asset);
  }

  async get(idOrName: string, tx: Knex = this.db): Promise<Pipeline> {
    return toPipeline(await this.assets.get('pipeline', idOrName, tx));
  }

  async list(
    options: PipelineListOptions,
  ): Promise<{ items: Pipeline[]; nextCursor: string | null }> {
    const page = await this.assets.list('pipeline', {
      ...options,
      lifecycle: 'active',
    });
    return { items: page.items.map(toPipeline), nextCursor: page.nextCursor };
  }

  async update(
    idOrName: string,
    patch: PipelinePatch,
    tx: Knex = this.db,
  ): Promise<Pipeline> {
    checkTagKeys(patch.tags);
    const current = await this.get(idOrName, tx);
    if (
      current.runtime === 'dvc' &&
      (patch.templateRef !== undefined ||
        patch.parameters !== undefined ||
        patch.cluster !== undefined ||
        patch.namespace !== undefined)
    ) {
      throw fieldError(
        'runtime',
        `Pipeline '${current.asset.name}' is a DVC pipeline: its stages and parameters come from the repository; only description, owner and tags can change`,
      );
    }
    const spec: Record<string, unknown> = {};
    if (patch.templateRef !== undefined) {
      checkTemplate(current.runtime, patch.templateRef);
      spec.templateRef = patch.templateRef
        ? { kind: patch.templateRef.kind, name: patch.templateRef.name }
        : null;
    }
    if (patch.parameters !== undefined) {
      checkParameters(patch.parameters);
      spec.parameters = patch.parameters;
    }
    for (const key of ['cluster', 'namespace'] as const) {
      if (patch[key] !== undefined) spec[key] = patch[key];
    }
    const asset = await this.assets.update(
      'pipeline',
      current.asset.id,
      {
        description: patch.description,
        owner: patch.owner,
        tags: patch.tags,
        ...(Object.keys(spec).length > 0 ? { spec } : {}),
      },
      tx,
    );
    return toPipeline(asset);
  }

  /** Removes the pipeline, its runs and everything hanging off them (tags, sources, lineage). */
  async delete(idOrName: string, tx: Knex = this.db): Promise<Pipeline> {
    const current = await this.get(idOrName, tx);
    const runIds = tx('pipeline_runs')
      .where('pipeline_id', current.asset.id)
      .select('id');
    await tx('lineage_edges')
      .whereIn('from_id', runIds.clone())
      .orWhereIn('to_id', runIds.clone())
      .delete();
    await tx('source_refs').whereIn('resource_id', runIds.clone()).delete();
    await tx('tags').whereIn('resource_id', runIds.clone()).delete();
    await tx('pipeline_runs').where('pipeline_id', current.asset.id).delete();
    return toPipeline(
      await this.assets.hardDelete('pipeline', current.asset.id, tx),
    );
  }
}

function toPipeline(asset: Asset): Pipeline {
  const spec = asset.spec as Record<string, any>;
  return {
    asset,
    runtime: spec.runtime ?? 'builtin',
    templateRef: spec.templateRef ?? null,
    cluster: spec.cluster ?? null,
    namespace: spec.namespace ?? null,
    parameters: spec.parameters ?? {},
  };
}
