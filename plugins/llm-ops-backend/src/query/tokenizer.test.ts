import { tokenize } from './tokenizer';

const kinds = (text: string) =>
  tokenize(text, 'filter', 'filter').map(t => [t.kind, t.value]);

describe('tokenize', () => {
  it('splits identifiers, operators, strings and numbers with 1-based positions', () => {
    const tokens = tokenize(
      "metrics.acc >= -1.5e-3 and params.lr != 'x'",
      'filter',
      'filter',
    );
    expect(tokens.map(t => [t.kind, t.text, t.position])).toEqual([
      ['word', 'metrics', 1],
      ['dot', '.', 8],
      ['word', 'acc', 9],
      ['op', '>=', 13],
      ['number', '-1.5e-3', 16],
      ['word', 'and', 24],
      ['word', 'params', 28],
      ['dot', '.', 34],
      ['word', 'lr', 35],
      ['op', '!=', 38],
      ['string', "'x'", 41],
      ['end', '', 44],
    ]);
  });

  it('decodes doubled quotes and backslash escapes', () => {
    expect(kinds("'it''s' \"a\\\"b\" 'c\\'d' `val loss` 'x\\\\y'")).toEqual([
      ['string', "it's"],
      ['string', 'a"b'],
      ['string', "c'd"],
      ['quotedKey', 'val loss'],
      ['string', 'x\\y'],
      ['end', ''],
    ]);
  });

  it('reads .5 as a number but the dot after a word as a separator', () => {
    expect(kinds('x<.5')).toEqual([
      ['word', 'x'],
      ['op', '<'],
      ['number', '.5'],
      ['end', ''],
    ]);
    expect(kinds('m.5')).toEqual([
      ['word', 'm'],
      ['dot', '.'],
      ['number', '5'],
      ['end', ''],
    ]);
  });

  it('reports unterminated strings at the opening quote', () => {
    expect(() => tokenize("tags.a = 'abc", 'filter', 'filter')).toThrow(
      "Invalid filter at position 10: expected a closing ' for the text quoted here but found end of filter",
    );
  });

  it('reports unexpected characters and malformed numbers', () => {
    expect(() => tokenize('a ; b', 'filter', 'filter')).toThrow(
      "Invalid filter at position 3: expected a key, operator or value but found ';'",
    );
    expect(() => tokenize('a > 0.9abc', 'order_by', 'order_by')).toThrow(
      "Invalid order_by at position 5: expected a number but found '0.9abc'",
    );
  });
});
