import type { Knex } from 'knex';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { AssetListFilter } from '../database/AssetStore';
import type { AssetQuery } from './resource';

function applyQuery(qb: Knex.QueryBuilder, query: AssetQuery): void {
  switch (query.property) {
    case 'owner':
      // NULL-safe, so that `not` of it keeps unowned assets, as the rule's apply does.
      qb.whereNotNull('assets.owner').whereIn(
        qb.client.raw('lower(assets.owner)'),
        query.values,
      );
      return;
    case 'kind':
      qb.whereIn('assets.kind', query.values);
      return;
    case 'tag':
      qb.whereExists(function tagged() {
        this.select(this.client.raw('1'))
          .from('tags')
          .whereRaw('tags.resource_id = assets.id')
          .where('tags.key', query.key);
        if (query.value !== undefined) this.where('tags.value', query.value);
      });
      return;
    default:
      // A criteria tree only ever holds what the rules' toQuery return.
      throw new Error(`Unknown asset query ${JSON.stringify(query)}`);
  }
}

function applyCriteria(
  qb: Knex.QueryBuilder,
  criteria: PermissionCriteria<AssetQuery>,
): void {
  if ('allOf' in criteria) {
    for (const child of criteria.allOf) {
      qb.andWhere(inner => applyCriteria(inner, child));
    }
  } else if ('anyOf' in criteria) {
    for (const child of criteria.anyOf) {
      qb.orWhere(inner => applyCriteria(inner, child));
    }
  } else if ('not' in criteria) {
    qb.whereNot(inner => applyCriteria(inner, criteria.not));
  } else {
    applyQuery(qb, criteria);
  }
}

/**
 * A list filter for the store from a permission criteria tree (allOf, anyOf, not over the
 * rules' queries): the SQL twin of evaluating the rules one asset at a time. Everything lands
 * in one parenthesised group, so it narrows the query's other conditions and never widens them.
 */
export function assetCriteriaFilter(
  criteria: PermissionCriteria<AssetQuery>,
): AssetListFilter {
  return query => {
    query.where(group => applyCriteria(group, criteria));
  };
}
