import { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/realServices';
import { dialectOf, likeToGlob, whereLike } from './sqlDialect';

jest.setTimeout(60_000);

describe('likeToGlob', () => {
  it('maps wildcards and escapes GLOB metacharacters', () => {
    expect(likeToGlob('a%b_c')).toBe('a*b?c');
    expect(likeToGlob('a*b?c[d]')).toBe('a[*]b[?]c[[]d]');
    expect(likeToGlob('100\\%\\_\\\\')).toBe('100%_\\');
    expect(likeToGlob('end\\')).toBe('end\\');
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'whereLike on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.schema.createTable('words', t => t.string('w').primary());
      await knex('words').insert(
        ['Apple', 'apple', 'APPLE pie', 'a_b', 'axb', '50%', '500'].map(w => ({
          w,
        })),
      );
    });

    const match = async (pattern: string, caseSensitive: boolean) =>
      (
        await whereLike(
          knex('words').select('w').orderBy('w'),
          'w',
          pattern,
          caseSensitive,
        )
      ).map((row: { w: string }) => row.w);

    it('knows the dialect', () => {
      expect(dialectOf(knex('words'))).toBe(
        databaseId === 'SQLITE_3' ? 'sqlite3' : 'postgresql',
      );
    });

    it('is case-sensitive for LIKE and case-insensitive for ILIKE', async () => {
      expect(await match('app%', true)).toEqual(['apple']);
      expect(await match('APP%', true)).toEqual(['APPLE pie']);
      expect(await match('app%', false)).toEqual([
        'APPLE pie',
        'Apple',
        'apple',
      ]);
    });

    it('treats _ and % as wildcards unless escaped', async () => {
      expect(await match('a_b', true)).toEqual(['a_b', 'axb']);
      expect(await match('a\\_b', true)).toEqual(['a_b']);
      expect(await match('a\\_B', false)).toEqual(['a_b']);
      expect(await match('50\\%', true)).toEqual(['50%']);
      expect(await match('50%', true)).toEqual(['50%', '500']);
    });
  },
);
