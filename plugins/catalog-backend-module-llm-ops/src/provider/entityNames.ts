import { createHash } from 'node:crypto';

/** Backstage's limit on metadata.name. */
const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;
const VALID_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A short hash of the llm-ops id: stable for the life of the asset. */
export function shortHash(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, HASH_LENGTH);
}

/** Lower case letters, digits and single dashes, no dash at either end. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The catalog entity name of an asset: the asset's name when it already is a valid slug of at
 * most 63 characters, otherwise its slug (shortened) plus a short hash of the llm-ops id.
 *
 * The name depends on the asset alone, never on which other assets exist, so a re-sync never
 * renames an entity, and two assets cannot end up with the same name: names that are already
 * slugs are unique per kind in the store, and every other name carries its own id's hash.
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
  const hash = shortHash(asset.id);
  const room = MAX_NAME_LENGTH - HASH_LENGTH - 1;
  const head = slug.slice(0, room).replace(/-+$/, '');
  return head ? `${head}-${hash}` : hash;
}
