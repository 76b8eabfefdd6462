import { createHash } from 'node:crypto';

/** The catalog kinds the llm-ops entity provider emits, by llm-ops asset kind. */
export type AssetKind =
  | 'experiment'
  | 'model'
  | 'dataset'
  | 'endpoint'
  | 'pipeline';

const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;
const VALID_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The catalog entity name the llm-ops entity provider gives an asset: its name when that already
 * is a valid slug of at most 63 characters, otherwise the slug (shortened) plus a short hash of
 * the llm-ops id.
 *
 * This must stay the same function as `entityNameFor` in
 * `@llm-ops/backstage-plugin-catalog-backend-module-llm-ops` (src/provider/entityNames.ts), which
 * names the entities; a scaffolder module may not import a catalog module, and the function is
 * not in `-common` yet.
 */
export function entityNameFor(asset: { id: string; name: string }): string {
  const slug = slugify(asset.name);
  if (
    slug === asset.name &&
    slug.length <= MAX_NAME_LENGTH &&
    VALID_SLUG.test(slug)
  ) {
    return slug;
  }
  const hash = createHash('sha256')
    .update(asset.id)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const head = slugify(asset.name)
    .slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)
    .replace(/-+$/, '');
  return head ? `${head}-${hash}` : hash;
}

/** Links to an asset: its catalog entity ref, the entity page and the asset in its tool's UI. */
export type AssetLinks = {
  entityRef: string;
  catalogUrl: string;
  sourceUrl?: string;
};

/** The entity ref and catalog page of an asset (namespace `default`, as the provider emits). */
export function assetLinks(
  kind: AssetKind,
  asset: { id: string; name: string; source?: { url?: string | null } },
): AssetLinks {
  const name = entityNameFor(asset);
  return {
    entityRef: `${kind}:default/${name}`,
    catalogUrl: `/catalog/default/${kind}/${name}`,
    ...(asset.source?.url ? { sourceUrl: asset.source.url } : {}),
  };
}
