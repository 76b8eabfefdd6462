import { parseIdentifier, resolveAttribute } from './identifiers';
import { tokenize, TokenStream } from './tokenizer';

const parse = (text: string) => {
  const { entity, key } = parseIdentifier(
    new TokenStream(tokenize(text, 'filter', 'filter'), 'filter', 'filter'),
  );
  return [entity, key];
};

describe('identifiers', () => {
  it.each([
    ['metrics.acc', 'metric', 'acc'],
    ['metric.acc', 'metric', 'acc'],
    ['METRICS.acc', 'metric', 'acc'],
    ['params.lr', 'param', 'lr'],
    ['param.lr', 'param', 'lr'],
    ['tags.team', 'tag', 'team'],
    ['tag.team', 'tag', 'team'],
    ['attributes.status', 'attribute', 'status'],
    ['attribute.name', 'attribute', 'run_name'],
    ['attr.id', 'attribute', 'run_id'],
    ['run.created', 'attribute', 'start_time'],
    ['end_time', 'attribute', 'end_time'],
    ['metrics.`val loss`', 'metric', 'val loss'],
    ['params."lr.base"', 'param', 'lr.base'],
    ['tags.`a-b`', 'tag', 'a-b'],
  ])('%s', (text, entity, key) => {
    expect(parse(text)).toEqual([entity, key]);
  });

  it('resolves aliases case-insensitively and rejects unknown attributes', () => {
    expect(resolveAttribute('Created')).toBe('start_time');
    expect(resolveAttribute('toString')).toBeUndefined();
    expect(() => parse('attributes.foo')).toThrow(
      "Invalid filter at position 12: expected an attribute (status, run_name, run_id, start_time, end_time, created) but found 'foo'",
    );
    expect(() => parse('accuracy')).toThrow(
      "Invalid filter at position 1: expected a key such as metrics.accuracy, params.accuracy, tags.accuracy or an attribute (status, run_name, run_id, start_time, end_time, created) but found 'accuracy'",
    );
  });

  it('rejects unknown prefixes, missing and empty keys', () => {
    expect(() => parse('metricz.x')).toThrow(
      "Invalid filter at position 1: expected an entity prefix (metrics, params, tags or attributes) but found 'metricz'",
    );
    expect(() => parse('params.')).toThrow(
      "Invalid filter at position 8: expected a key after 'params.' (quote keys with ` or \") but found end of filter",
    );
    expect(() => parse("params.'lr'")).toThrow(
      'position 8: expected a key after',
    );
    expect(() => parse('tags.``')).toThrow(
      'Invalid filter at position 6: expected a non-empty key',
    );
    expect(() => parse("'x'")).toThrow(
      'Invalid filter at position 1: expected a key such as',
    );
  });
});
