import { makeValidator } from '@backstage/catalog-model';
import { entityNameFor, shortHash, slugify } from './entityNames';

const validator = makeValidator();

describe('entityNameFor', () => {
  it('keeps a name that already is a valid slug', () => {
    expect(entityNameFor({ id: 'a', name: 'support-bot' })).toBe('support-bot');
  });

  it('adds a short hash of the id when the slug had to change', () => {
    const id = '0b6f3c1e-8d6a-4d8e-9a51-1f4bbd1a2c33';
    expect(entityNameFor({ id, name: 'Support Bot / Finetune' })).toBe(
      `support-bot-finetune-${shortHash(id)}`,
    );
    expect(shortHash(id)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('keeps apart names whose slugs coincide', () => {
    const a = entityNameFor({ id: 'id-1', name: 'My Model' });
    const b = entityNameFor({ id: 'id-2', name: 'my_model' });
    const c = entityNameFor({ id: 'id-3', name: 'my-model' });
    expect(new Set([a, b, c]).size).toBe(3);
    expect(c).toBe('my-model');
  });

  it('is stable: the same asset always gets the same name', () => {
    const asset = { id: 'f00', name: 'Ünïcode Ëxperiment (v2)' };
    expect(entityNameFor(asset)).toBe(entityNameFor({ ...asset }));
    expect(entityNameFor(asset)).toBe(
      `unicode-experiment-v2-${shortHash('f00')}`,
    );
  });

  it.each([
    'x'.repeat(64),
    `${'long-name-'.repeat(10)}end`,
    '---',
    '日本語のモデル',
    'a.b_c',
    'UPPER',
    'trailing-',
  ])(
    'always gives a valid entity name of at most 63 characters for %j',
    name => {
      const result = entityNameFor({ id: 'some-id', name });
      expect(result.length).toBeLessThanOrEqual(63);
      expect(result).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(validator.isValidEntityName(result)).toBe(true);
    },
  );

  it('slugifies to lower case letters, digits and single dashes', () => {
    expect(slugify('  Hello, World!  ')).toBe('hello-world');
  });
});
