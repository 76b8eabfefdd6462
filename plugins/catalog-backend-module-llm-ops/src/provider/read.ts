import type { JsonObject } from '@backstage/types';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  LLM_OPS_ANNOTATIONS as A,
  LLM_OPS_API_VERSION,
  type LlmOpsKind,
} from '@llm-ops/backstage-plugin-llm-ops-common';
import type {
  AnyAsset,
  ApiDatasetVersion,
  ApiModelVersion,
  ApiPipeline,
  AssetKind,
  Source,
} from './types';

/*
 * Maps llm-ops assets to catalog entities. Pure functions: what the provider fetched goes in,
 * entities come out, so the mapping is tested without a server.
 */

export const kindOf: Record<AssetKind, LlmOpsKind> = {
  experiment: 'Experiment',
  model: 'Model',
  dataset: 'Dataset',
  endpoint: 'Endpoint',
  pipeline: 'Pipeline',
};

/** Asset tags that fill catalog fields instead of becoming catalog tags. */
export const TAG_KEYS = {
  lifecycle: 'backstage.io/lifecycle',
  system: 'backstage.io/system',
  dependencyOf: 'backstage.io/dependency-of',
  type: 'backstage.io/type',
};

const defaultLifecycle: Record<AssetKind, string> = {
  experiment: 'experimental',
  model: 'production',
  dataset: 'production',
  endpoint: 'production',
  pipeline: 'production',
};

/** How many of a model's newest versions its entity lists. */
const RECENT_VERSIONS = 5;

const validator = makeValidator();

/** Everything an entity needs beyond its own asset. */
export type BuildContext = {
  /** `llm-ops:<baseUrl>`, what managed-by-location and managed-by-origin-location name. */
  locationRef: string;
  defaultOwner: string;
  /** The entity ref of an asset (generated, or the hand-written entity claiming it), if known. */
  refOf(kind: AssetKind, id: string): string | undefined;
};

/** What the provider learned about an asset's neighbours, as llm-ops ids. */
export type AssetLinks = {
  /** Experiment: datasets its runs used. */
  trainedOn?: string[];
  /** Model: experiments whose runs produced its versions. */
  producedBy?: string[];
  /** Model: its versions, newest first. */
  versions?: ApiModelVersion[];
  /** Dataset: its newest version. */
  latestVersion?: ApiDatasetVersion;
  /** Endpoint: the model versions taking its desired traffic. */
  traffic?: Array<{
    modelId: string;
    version?: string;
    percent: number;
    role?: 'stable' | 'canary';
  }>;
  /** Endpoint: models it serves (desired or observed). */
  serves?: string[];
  /** Pipeline: what its runs read and produced. */
  consumes?: Array<{ kind: AssetKind; id: string }>;
  produces?: Array<{ kind: AssetKind; id: string }>;
};

function integrationType(source: Source): string {
  return source.integration.split(':')[0].toLocaleLowerCase('en-US');
}

function integrationInstance(source: Source): string | undefined {
  const i = source.integration.indexOf(':');
  return i >= 0 ? source.integration.slice(i + 1) : undefined;
}

/** An owner ref that the catalog accepts, or the default owner. */
export function ownerRef(owner: string | null, fallback: string): string {
  if (owner && owner.trim()) {
    try {
      return stringifyEntityRef(
        parseEntityRef(owner.trim(), {
          defaultKind: 'Group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      // An owner the catalog cannot parse: fall back rather than fail the entity.
    }
  }
  return fallback;
}

/** Asset tags as catalog tags: `key` or `key:value`, lower case, only those the catalog accepts. */
function catalogTags(tags: Record<string, string>): string[] | undefined {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(tags)) {
    if (Object.values(TAG_KEYS).includes(key)) continue;
    const candidate = (value && value !== 'true' ? `${key}:${value}` : key)
      .toLocaleLowerCase('en-US')
      .replace(/[\s_]+/g, '-');
    if (validator.isValidTag(candidate)) out.add(candidate);
  }
  return out.size ? [...out].sort() : undefined;
}

function refsOf(kind: AssetKind, ids: string[] | undefined, ctx: BuildContext) {
  const refs = new Set<string>();
  for (const id of ids ?? []) {
    const ref = ctx.refOf(kind, id);
    if (ref) refs.add(ref);
  }
  return refs.size ? [...refs].sort() : undefined;
}

function sourceAnnotations(item: AnyAsset, links: AssetLinks) {
  const { asset } = item;
  const source = asset.source;
  const type = integrationType(source);
  const annotations: Record<string, string> = {
    [A.sourceIntegration]: source.integration,
  };
  if (source.url) annotations[A.sourceUrl] = source.url;
  const externalId = source.externalId ?? undefined;
  if (type === 'mlflow' && item.kind === 'experiment' && externalId) {
    annotations[A.mlflowExperimentId] = externalId;
  }
  if ((type === 'huggingface' || type === 'hf') && externalId) {
    annotations[A.huggingFaceRepoId] = externalId;
  }
  if (item.kind === 'endpoint') {
    const endpoint = item.asset;
    if (endpoint.runtime === 'kserve' || type === 'kserve') {
      let service: string | undefined;
      if (type === 'kserve' && externalId?.includes('/')) {
        service = externalId;
      } else if (endpoint.namespace) {
        service = `${endpoint.namespace}/${endpoint.name}`;
      }
      if (service) annotations[A.kserveInferenceService] = service;
      const cluster =
        endpoint.cluster ??
        (type === 'kserve' ? integrationInstance(source) : undefined);
      if (cluster) annotations[A.kserveCluster] = cluster;
    }
  }
  if (item.kind === 'dataset') {
    const repo = links.latestVersion?.sourceRepository;
    if (repo?.repository) {
      annotations[A.dvcRepository] = repo.repository;
      if (repo.path) annotations[A.dvcPath] = repo.path;
    }
  }
  if (item.kind === 'pipeline' && item.asset.templateRef) {
    annotations[A.argoWorkflowTemplate] = workflowTemplateOf(item.asset);
  }
  return annotations;
}

function workflowTemplateOf(pipeline: ApiPipeline): string {
  const ref = pipeline.templateRef!;
  if (ref.kind === 'ClusterWorkflowTemplate') {
    return `ClusterWorkflowTemplate/${ref.name}`;
  }
  return pipeline.namespace ? `${pipeline.namespace}/${ref.name}` : ref.name;
}

function linksOf(source: Source) {
  if (!source.url) return undefined;
  try {
    if (!new URL(source.url).protocol.startsWith('http')) return undefined;
  } catch {
    return undefined;
  }
  return [{ url: source.url, title: `Open in ${source.integration}` }];
}

function trafficOf(links: AssetLinks, ctx: BuildContext) {
  const traffic: Array<{
    model: string;
    version?: string;
    percent: number;
    role?: 'stable' | 'canary';
  }> = [];
  for (const entry of links.traffic ?? []) {
    const model = ctx.refOf('model', entry.modelId);
    if (!model) continue;
    traffic.push(
      compact({
        model,
        version: entry.version,
        percent: entry.percent,
        role: entry.role,
      }),
    );
  }
  return traffic.length ? traffic : undefined;
}

/** Drops undefined values so the entity (and its hash) carries only what is known. */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as T;
}

/** The catalog entity of one asset. */
export function buildEntity(
  item: AnyAsset,
  name: string,
  links: AssetLinks,
  ctx: BuildContext,
): Entity {
  const { asset, kind } = item;
  const tags = asset.tags ?? {};
  const dependencyOf = tags[TAG_KEYS.dependencyOf]
    ?.split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const base = {
    owner: ownerRef(asset.owner, ctx.defaultOwner),
    lifecycle: tags[TAG_KEYS.lifecycle]?.trim() || defaultLifecycle[kind],
    type: tags[TAG_KEYS.type]?.trim() || undefined,
    system: tags[TAG_KEYS.system]?.trim() || undefined,
    dependencyOf: dependencyOf?.length ? dependencyOf : undefined,
  };
  let spec: Record<string, unknown>;
  switch (item.kind) {
    case 'experiment':
      spec = { ...base, trainedOn: refsOf('dataset', links.trainedOn, ctx) };
      break;
    case 'model': {
      const versions = links.versions ?? [];
      spec = {
        ...base,
        producedBy: refsOf('experiment', links.producedBy, ctx),
        versions: compact({
          latest: item.asset.latestVersion ?? null,
          count: links.versions ? versions.length : undefined,
          recent: links.versions
            ? versions.slice(0, RECENT_VERSIONS).map(v =>
                compact({
                  version: v.version,
                  status: v.status,
                  aliases: v.aliases?.length ? v.aliases : undefined,
                  createdAt: v.createdAt,
                }),
              )
            : undefined,
        }),
        aliases: Object.keys(item.asset.aliases ?? {}).length
          ? item.asset.aliases
          : undefined,
      };
      break;
    }
    case 'dataset':
      spec = {
        ...base,
        latestVersion: item.asset.latestVersion ?? null,
        format: links.latestVersion?.format ?? undefined,
        uri: links.latestVersion?.uri ?? undefined,
      };
      break;
    case 'endpoint':
      spec = {
        ...base,
        runtime: item.asset.runtime,
        url: item.asset.url ?? undefined,
        state: item.asset.observed?.state ?? undefined,
        traffic: trafficOf(links, ctx),
        serves: refsOf('model', links.serves, ctx),
      };
      break;
    case 'pipeline': {
      const by = (list: AssetLinks['consumes']) => {
        const refs = new Set<string>();
        for (const l of list ?? []) {
          const ref = ctx.refOf(l.kind, l.id);
          if (ref) refs.add(ref);
        }
        return refs.size ? [...refs].sort() : undefined;
      };
      spec = {
        ...base,
        runtime: item.asset.runtime,
        templateRef: item.asset.templateRef ?? null,
        consumes: by(links.consumes),
        produces: by(links.produces),
      };
      break;
    }
    default:
      throw new Error(`Unknown asset kind ${(item as AnyAsset).kind}`);
  }

  return {
    apiVersion: LLM_OPS_API_VERSION,
    kind: kindOf[kind],
    metadata: compact({
      name,
      namespace: 'default',
      title: name !== asset.name ? asset.name : undefined,
      description: asset.description ?? undefined,
      tags: catalogTags(tags),
      links: linksOf(asset.source),
      annotations: {
        [ANNOTATION_LOCATION]: ctx.locationRef,
        [ANNOTATION_ORIGIN_LOCATION]: ctx.locationRef,
        [A.id]: asset.id,
        ...sourceAnnotations(item, links),
      },
    }),
    spec: compact(spec) as JsonObject,
  };
}
