import type { CommitData, ListFileEntry, ModelEntry } from '@huggingface/hub';
import type {
  ModelVersionRecord,
  RegisteredModelRecord,
} from '@llm-ops/backstage-plugin-llm-ops-node';

/**
 * The fields the adapter asks the Hub for (`expand=`), beyond those @huggingface/hub always
 * requests. With any `expand` the Hub answers only the fields named, so `sha` must be among them.
 */
export const MODEL_FIELDS = [
  'sha',
  'tags',
  'cardData',
  'library_name',
  'createdAt',
] as const;

/** A model as @huggingface/hub returns it with {@link MODEL_FIELDS}. */
export type HubModel = ModelEntry & {
  sha?: string;
  tags?: string[];
  /** The model card's YAML metadata, as the hub parsed it. */
  cardData?: unknown;
  library_name?: string;
  createdAt?: string;
};

/** The length of a version label: a commit sha's prefix, as the Hub shows commits. */
export const VERSION_LABEL_LENGTH = 12;

/** The name of the alias that follows the newest commit of the default branch. */
export const MAIN_ALIAS = 'main';

export function versionLabel(sha: string): string {
  return sha.slice(0, VERSION_LABEL_LENGTH);
}

/**
 * A Hub model as a registry record. The Hub derives `pipeline_tag`, `library_name` and `tags`
 * from the model card's metadata; a mirror may only pass the card's metadata through
 * (`cardData`), so that is the fallback for each.
 */
export function toRegisteredModelRecord(
  model: HubModel,
  hubUrl: string,
  description: string | undefined,
): RegisteredModelRecord {
  const card = (
    model.cardData && typeof model.cardData === 'object' ? model.cardData : {}
  ) as Record<string, unknown>;
  const hubTags = model.tags ?? [];
  const tags: Record<string, string> = {
    'huggingface.gated': String(model.gated ?? false),
    'huggingface.private': String(model.private ?? false),
  };
  const license =
    stringOrList(card.license) ??
    hubTags.find(tag => tag.startsWith('license:'))?.slice('license:'.length);
  if (license) tags['huggingface.license'] = license;
  const task = model.task ?? stringOrList(card.pipeline_tag);
  if (task) tags['huggingface.task'] = task;
  const library = model.library_name ?? stringOrList(card.library_name);
  if (library) tags['huggingface.library'] = library;
  const allTags = hubTags.length > 0 ? hubTags : listOf(card.tags);
  if (allTags.length > 0) tags['huggingface.tags'] = allTags.join(',');

  const updatedAt = model.updatedAt.getTime();
  const createdAt = model.createdAt ? Date.parse(model.createdAt) : NaN;
  return {
    externalId: model.name,
    name: model.name,
    ...(description ? { description } : {}),
    tags,
    aliases: model.sha ? { [MAIN_ALIAS]: versionLabel(model.sha) } : {},
    createdAt: Number.isNaN(createdAt) ? updatedAt : createdAt,
    updatedAt,
    url: `${hubUrl}/${model.name}`,
  };
}

/** A commit of the default branch, with its file list, as a model version. */
export function toModelVersionRecord(options: {
  repoId: string;
  hubUrl: string;
  commit: CommitData;
  files: ListFileEntry[];
  isHead: boolean;
}): ModelVersionRecord {
  const { repoId, hubUrl, commit } = options;
  const at = commit.date.getTime();
  const title = commit.title.split('\n')[0].trim();
  return {
    externalId: `${repoId}@${commit.oid}`,
    modelName: repoId,
    version: versionLabel(commit.oid),
    ...(title ? { description: title } : {}),
    artifactUri: `hf://${repoId}@${commit.oid}`,
    status: 'READY',
    tags: { 'huggingface.revision': commit.oid },
    aliases: options.isHead ? [MAIN_ALIAS] : [],
    createdAt: at,
    updatedAt: at,
    url: `${hubUrl}/${repoId}/tree/${commit.oid}`,
    files: options.files
      .filter(entry => entry.type === 'file')
      .map(entry => ({
        path: entry.path,
        // For an LFS file the tree's `size` is the file's, and `lfs.size` says the same; the
        // pointer's own size is `lfs.pointerSize`.
        sizeBytes: entry.lfs?.size ?? entry.size,
        lfs: entry.lfs !== undefined || entry.xetHash !== undefined,
      })),
  };
}

function stringOrList(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  const list = listOf(value);
  return list.length > 0 ? list.join(',') : undefined;
}

function listOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is string => typeof item === 'string' && item.trim() !== '',
  );
}
