import { filtersOf, orderByOf } from './AssetTable';

describe('orderByOf', () => {
  it('maps the sortable columns and falls back otherwise', () => {
    expect(orderByOf([{ field: 'name', sort: 'asc' }], '-updatedAt')).toBe(
      'name',
    );
    expect(
      orderByOf([{ field: 'createdAt', sort: 'desc' }], '-updatedAt'),
    ).toBe('-createdAt');
    expect(orderByOf([{ field: 'owner', sort: 'asc' }], '-updatedAt')).toBe(
      '-updatedAt',
    );
    expect(orderByOf([], 'name')).toBe('name');
  });
});

describe('filtersOf', () => {
  it('maps name, owner and tags filters and the quick filter', () => {
    expect(
      filtersOf({
        items: [
          { field: 'owner', operator: 'equals', value: 'group:default/ml' },
          { field: 'tags', operator: 'contains', value: 'team=ml ' },
        ],
        quickFilterValues: ['swe', 'ep'],
      }),
    ).toEqual({ q: 'swe ep', owner: 'group:default/ml', tag: 'team=ml' });
    expect(
      filtersOf({
        items: [{ field: 'name', operator: 'contains', value: 'llama' }],
        quickFilterValues: ['other'],
      }),
    ).toEqual({ q: 'llama', owner: undefined, tag: undefined });
  });
});
