import { ConfigReader } from '@backstage/config';
import {
  parseHttpUrl,
  readBoundedNumber,
  readEntryName,
  readOptionalHttpUrl,
  readOptionalPositiveMilliseconds,
  readOptionalTrimmedString,
  readRequiredTrimmedString,
  readUniquelyNamedEntries,
} from './readers';

const PATH = 'llmOps.x.items[0]';
type ConfigData = ConstructorParameters<typeof ConfigReader>[0];
const at = (data: ConfigData) => new ConfigReader(data);

describe('readOptionalTrimmedString', () => {
  it('trims a value and gives undefined for an absent one', () => {
    expect(readOptionalTrimmedString(at({ a: '  v ' }), 'a', PATH)).toBe('v');
    expect(readOptionalTrimmedString(at({}), 'a', PATH)).toBeUndefined();
  });

  it('refuses a blank value, naming its path', () => {
    expect(() => readOptionalTrimmedString(at({ a: '  ' }), 'a', PATH)).toThrow(
      "Empty config value at 'llmOps.x.items[0].a'",
    );
  });
});

describe('readRequiredTrimmedString', () => {
  it('trims a value', () => {
    expect(readRequiredTrimmedString(at({ a: ' v' }), 'a', PATH)).toBe('v');
  });

  it.each([[{}], [{ a: ' ' }]])('refuses %j as missing', data => {
    expect(() => readRequiredTrimmedString(at(data), 'a', PATH)).toThrow(
      "Missing required config value at 'llmOps.x.items[0].a'",
    );
  });
});

describe('parseHttpUrl', () => {
  const messages = { credentialsHint: "use 'x.token'" };

  it('drops trailing slashes and keeps the path', () => {
    expect(parseHttpUrl('https://h:8/a/b//', 'x.url', messages)).toBe(
      'https://h:8/a/b',
    );
    expect(parseHttpUrl('http://h', 'x.url', messages)).toBe('http://h');
  });

  it.each([
    ['not a url', "Invalid URL at 'x.url'; expected an absolute http(s) URL"],
    ['ftp://h', "Invalid URL at 'x.url'; expected http or https, got 'ftp:'"],
    [
      'https://h?q=1',
      "Invalid URL at 'x.url'; expected no query string or fragment",
    ],
    [
      'https://h#f',
      "Invalid URL at 'x.url'; expected no query string or fragment",
    ],
  ])('refuses %s with the default message', (value, message) => {
    expect(() => parseHttpUrl(value, 'x.url', messages)).toThrow(message);
  });

  it('says the caller’s words where given', () => {
    const custom = {
      credentialsHint: 'use a token',
      notAUrl: 'expected the server URL',
      notHttp: 'expected https',
      hasQueryOrFragment: 'expected a bare URL',
    };
    expect(() => parseHttpUrl('x', 'x.url', custom)).toThrow(
      "Invalid URL at 'x.url'; expected the server URL",
    );
    expect(() => parseHttpUrl('ws://h', 'x.url', custom)).toThrow(
      "Invalid URL at 'x.url'; expected https, got 'ws:'",
    );
    expect(() => parseHttpUrl('http://h?a', 'x.url', custom)).toThrow(
      "Invalid URL at 'x.url'; expected a bare URL",
    );
  });

  it('refuses credentials without repeating them', () => {
    let error: Error | undefined;
    try {
      parseHttpUrl('https://bob:hunter2@h', 'x.url', messages);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toBe(
      "The URL at 'x.url' contains credentials; use 'x.token'",
    );
    expect(error?.message).not.toContain('hunter2');
  });
});

describe('readOptionalHttpUrl', () => {
  const messages = { credentialsHint: 'no' };

  it('reads, trims and normalises a URL, or gives undefined', () => {
    expect(
      readOptionalHttpUrl(at({ u: ' https://h/ ' }), 'u', PATH, messages),
    ).toBe('https://h');
    expect(readOptionalHttpUrl(at({}), 'u', PATH, messages)).toBeUndefined();
  });

  it('names the full path of a bad or blank URL', () => {
    expect(() =>
      readOptionalHttpUrl(at({ u: 'ftp://h' }), 'u', PATH, messages),
    ).toThrow("Invalid URL at 'llmOps.x.items[0].u'");
    expect(() =>
      readOptionalHttpUrl(at({ u: ' ' }), 'u', PATH, messages),
    ).toThrow("Empty config value at 'llmOps.x.items[0].u'");
  });
});

describe('readBoundedNumber', () => {
  const whole = { min: 1, max: 10, integer: true, default: 5 };

  it('reads a value in range, or the default', () => {
    expect(readBoundedNumber(at({ n: 10 }), 'n', PATH, whole)).toBe(10);
    expect(readBoundedNumber(at({}), 'n', PATH, whole)).toBe(5);
    expect(
      readBoundedNumber(at({ n: 0.5 }), 'n', PATH, { min: 0, max: 1 }),
    ).toBe(0.5);
  });

  it.each([
    [0, 'expected a whole number from 1 to 10, got 0'],
    [11, 'expected a whole number from 1 to 10, got 11'],
    [2.5, 'expected a whole number from 1 to 10, got 2.5'],
  ])('refuses %p', (n, message) => {
    expect(() => readBoundedNumber(at({ n }), 'n', PATH, whole)).toThrow(
      `Invalid config value at 'llmOps.x.items[0].n'; ${message}`,
    );
  });

  it('says "a number" when fractions are allowed', () => {
    expect(() =>
      readBoundedNumber(at({ n: -1 }), 'n', PATH, { min: 0, max: 2 }),
    ).toThrow('expected a number from 0 to 2, got -1');
  });

  it('requires the value when there is no default', () => {
    expect(() =>
      readBoundedNumber(at({}), 'n', PATH, { min: 0, max: 1 }),
    ).toThrow("Missing required config value at 'llmOps.x.items[0].n'");
  });
});

describe('readOptionalPositiveMilliseconds', () => {
  it('reads a positive whole number, or undefined', () => {
    expect(readOptionalPositiveMilliseconds(at({ t: 250 }), 't', PATH)).toBe(
      250,
    );
    expect(readOptionalPositiveMilliseconds(at({}), 't', PATH)).toBeUndefined();
  });

  it.each([0, -1, 1.5])('refuses %p', t => {
    expect(() =>
      readOptionalPositiveMilliseconds(at({ t }), 't', PATH),
    ).toThrow(
      "Invalid config value at 'llmOps.x.items[0].t'; expected a positive whole number of milliseconds",
    );
  });
});

describe('readEntryName', () => {
  it('reads a trimmed name of up to 63 characters', () => {
    const long = `a${'-'.repeat(61)}b`;
    expect(readEntryName(at({ name: ' a.b_c-1 ' }), PATH, 'hub name')).toBe(
      'a.b_c-1',
    );
    expect(readEntryName(at({ name: long }), PATH, 'hub name')).toBe(long);
  });

  it('requires the name', () => {
    expect(() => readEntryName(at({}), PATH, 'hub name')).toThrow(
      "Missing required config value at 'llmOps.x.items[0].name'",
    );
  });

  it.each(['-a', 'a-', 'a b', 'a/b', `a${'x'.repeat(62)}b`])(
    'refuses %j, which cannot be part of an id or label',
    name => {
      expect(() => readEntryName(at({ name }), PATH, 'hub name')).toThrow(
        `Invalid hub name '${name}' at 'llmOps.x.items[0].name'; use at most 63 letters`,
      );
    },
  );
});

describe('readUniquelyNamedEntries', () => {
  const read = (data: ConfigData) =>
    readUniquelyNamedEntries(at(data), {
      section: 'llmOps.x',
      listKey: 'items',
      entryNoun: 'X server',
      nameKey: 'id',
      nameLabel: 'X id',
      readEntry: (entry, path) => ({
        id: readRequiredTrimmedString(entry, 'id', path),
        path,
      }),
    });

  it('reads the entries in order, each with its path', () => {
    expect(
      read({ llmOps: { x: { items: [{ id: 'a' }, { id: ' b ' }] } } }),
    ).toEqual([
      { id: 'a', path: 'llmOps.x.items[0]' },
      { id: 'b', path: 'llmOps.x.items[1]' },
    ]);
  });

  it('gives no entries when the section is absent', () => {
    expect(read({ llmOps: {} })).toEqual([]);
  });

  it('requires the list once the section is there', () => {
    expect(() => read({ llmOps: { x: {} } })).toThrow(
      "Missing required config value at 'llmOps.x.items'; list at least one X server, or remove 'llmOps.x'",
    );
  });

  it('refuses a name used twice, naming both places', () => {
    expect(() =>
      read({
        llmOps: { x: { items: [{ id: 'a' }, { id: 'b' }, { id: ' a' }] } },
      }),
    ).toThrow(
      "Duplicate X id 'a' at 'llmOps.x.items[2].id'; 'llmOps.x.items[0].id' uses it already",
    );
  });

  it('passes the errors of readEntry on', () => {
    expect(() => read({ llmOps: { x: { items: [{}] } } })).toThrow(
      "Missing required config value at 'llmOps.x.items[0].id'",
    );
  });
});
