import type { AuthService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  LLM_OPS_ANNOTATIONS,
  LLM_OPS_KINDS,
} from '@llm-ops/backstage-plugin-llm-ops-common';

/** The prefix of managed-by-origin-location on every entity this provider emits. */
export const LOCATION_TYPE = 'llm-ops';

/**
 * Entities of the LLM Ops kinds that someone wrote by hand (in a catalog-info.yaml), which the
 * provider must not duplicate: by the llm-ops id they claim, and by their entity ref.
 */
export type Claims = {
  /** llm-ops id to the ref of the hand-written entity that claims it. */
  byId: Map<string, string>;
  /** Refs of hand-written entities, lower case. */
  refs: Set<string>;
};

const PAGE_SIZE = 500;
const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.annotations',
];

/**
 * Reads the hand-written entities of the LLM Ops kinds from the catalog, as the catalog plugin
 * itself: everything of those kinds that this provider did not emit.
 */
export async function readClaims(
  catalog: CatalogService,
  auth: AuthService,
): Promise<Claims> {
  const credentials = await auth.getOwnServiceCredentials();
  const claims: Claims = { byId: new Map(), refs: new Set() };
  let cursor: string | undefined;
  do {
    const page = await catalog.queryEntities(
      cursor
        ? { cursor, limit: PAGE_SIZE, fields: FIELDS }
        : {
            query: {
              $all: [
                { kind: { $in: [...LLM_OPS_KINDS] } },
                {
                  $not: {
                    [`metadata.annotations.${ANNOTATION_ORIGIN_LOCATION}`]: {
                      $hasPrefix: `${LOCATION_TYPE}:`,
                    },
                  },
                },
              ],
            },
            fields: FIELDS,
            limit: PAGE_SIZE,
            totalItems: 'exclude',
          },
      { credentials },
    );
    for (const entity of page.items) {
      // The query already leaves ours out; this also holds against a catalog that ignores $not.
      const origin = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
      if (origin?.startsWith(`${LOCATION_TYPE}:`)) continue;
      const ref = stringifyEntityRef(entity);
      claims.refs.add(ref.toLocaleLowerCase('en-US'));
      const id = entity.metadata.annotations?.[LLM_OPS_ANNOTATIONS.id];
      if (id) claims.byId.set(id, ref);
    }
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return claims;
}
