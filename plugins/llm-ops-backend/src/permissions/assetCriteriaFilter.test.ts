import type {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import { createTestDatabases } from '../__testUtils__/realServices';
import { migrationsDir } from '../database/migrate';
import { AssetStore, type Asset } from '../database/AssetStore';
import { assetCriteriaFilter } from './assetCriteriaFilter';
import { llmOpsAssetConditions as c } from './conditionExports';
import { llmOpsAssetRules } from './rules';
import type { AssetQuery } from './resource';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const rules = Object.values(llmOpsAssetRules);
const toQuery = createConditionTransformer<AssetQuery>({
  getRuleByName: name => rules.find(r => r.name === name)! as any,
});

// What the permission framework does for one asset (apply-conditions).
function applies(
  criteria: PermissionCriteria<PermissionCondition>,
  asset: Asset,
): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(x => applies(x, asset));
  if ('anyOf' in criteria) return criteria.anyOf.some(x => applies(x, asset));
  if ('not' in criteria) return !applies(criteria.not, asset);
  const rule = rules.find(r => r.name === criteria.rule)!;
  return rule.apply(asset, criteria.params as any);
}

const cases: Record<string, PermissionCriteria<PermissionCondition>> = {
  owner: c.isOwner({ claims: ['user:default/alice', 'group:default/nlp'] }),
  'owner, other case': c.isOwner({ claims: ['Group:Default/NLP'] }),
  'no claims': c.isOwner({ claims: [] }),
  'not owner (keeps unowned)': {
    not: c.isOwner({ claims: ['user:default/alice'] }),
  },
  'tag key': c.hasTag({ key: 'stage' }),
  'tag key and value': c.hasTag({ key: 'stage', value: 'prod' }),
  'not tag': { not: c.hasTag({ key: 'stage', value: 'prod' }) },
  kind: c.isKind({ kinds: ['model', 'dataset'] }),
  'allOf anyOf not': {
    allOf: [
      c.isKind({ kinds: ['model', 'experiment'] }),
      {
        anyOf: [
          c.isOwner({ claims: ['user:default/alice'] }),
          { not: c.hasTag({ key: 'confidential' }) },
        ],
      },
    ],
  },
  'anyOf of allOf': {
    anyOf: [
      { allOf: [c.hasTag({ key: 'stage' }), c.isKind({ kinds: ['model'] })] },
      { allOf: [{ not: c.isOwner({ claims: ['user:default/bob'] }) }] },
    ],
  },
};

describe.each(databases.eachSupportedId())(
  'permission criteria as SQL on %s',
  databaseId => {
    async function seed() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new AssetStore(knex);
      const seeded: Asset[] = [];
      const owners = [
        'user:default/alice',
        'user:default/bob',
        'group:default/NLP',
        null,
      ];
      const tags: Record<string, string>[] = [
        {},
        { stage: 'prod' },
        { stage: 'dev', confidential: 'yes' },
        { confidential: 'no' },
        { stage: 'prod', confidential: 'yes' },
      ];
      let n = 0;
      for (const kind of ['experiment', 'model', 'dataset'] as const) {
        for (let i = 0; i < 6; i++, n++) {
          seeded.push(
            await store.create(kind, {
              name: `${kind}-${i}`,
              owner: owners[n % owners.length],
              tags: tags[n % tags.length],
            }),
          );
        }
      }
      return { knex, store, seeded };
    }

    it('selects exactly the assets the rules apply to', async () => {
      const { knex, seeded } = await seed();
      for (const [name, criteria] of Object.entries(cases)) {
        const query = knex('assets').select('assets.id');
        assetCriteriaFilter(toQuery(criteria))(query);
        const selected = (await query).map(r => r.id).sort();
        const expected = seeded
          .filter(asset => applies(criteria, asset))
          .map(a => a.id)
          .sort();
        expect({ name, selected }).toEqual({ name, selected: expected });
      }
      // The cases are not trivial: each selects some assets and leaves others.
      for (const criteria of Object.values(cases).filter(
        x => x !== cases['no claims'],
      )) {
        const count = seeded.filter(a => applies(criteria, a)).length;
        expect(count).toBeGreaterThan(0);
        expect(count).toBeLessThan(seeded.length);
      }
    });

    it('narrows the store list, with cursors, without widening its own filters', async () => {
      const { store } = await seed();
      const filtered = store.withListFilter(
        assetCriteriaFilter(toQuery(c.hasTag({ key: 'stage' }))),
      );
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await filtered.list('model', { pageSize: 1, cursor });
        names.push(...page.items.map(a => a.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const all = await store.list('model', {});
      expect(names).toEqual(
        all.items.filter(a => 'stage' in a.tags).map(a => a.name),
      );
      expect(names.length).toBeGreaterThan(0);
      expect(names.length).toBeLessThan(all.items.length);
      const both = await filtered.list('model', { tag: 'confidential=yes' });
      expect(both.items.map(a => a.name)).toEqual(
        all.items
          .filter(a => 'stage' in a.tags && a.tags.confidential === 'yes')
          .map(a => a.name),
      );
      // Without a filter the store is itself.
      expect(store.withListFilter(undefined)).toBe(store);
    });
  },
);
