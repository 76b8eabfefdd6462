import type { Config } from '@backstage/config';

/*
 * Readers for the settings every tool module validates the same way. Each one throws at startup
 * with the full config path of the bad key (`<path>.<key>`), so that an operator can find it; none
 * ever puts a secret (a token, a URL with a password) into a message.
 */

/**
 * Reads an optional string and trims it. Absent gives undefined; present but blank throws
 * `Empty config value at '<path>.<key>'`, since a blank value is a mistake rather than "not set".
 *
 * @public
 */
export function readOptionalTrimmedString(
  config: Config,
  key: string,
  path: string,
): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    throw new Error(`Empty config value at '${path}.${key}'`);
  }
  return value.trim();
}

/**
 * Reads a required string and trims it. Absent or blank throws
 * `Missing required config value at '<path>.<key>'`.
 *
 * @public
 */
export function readRequiredTrimmedString(
  config: Config,
  key: string,
  path: string,
): string {
  const value = config.getOptionalString(key);
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing required config value at '${path}.${key}'`);
  }
  return value.trim();
}

/**
 * The parts of parseHttpUrl's error messages that differ between settings. Each is the text after
 * `Invalid URL at '<where>'; ` (or, for credentials, after `contains credentials; `).
 *
 * @public
 */
export type HttpUrlMessages = {
  /** Where credentials go instead of the URL, e.g. `use 'llmOps.x.token'`. */
  credentialsHint: string;
  /** When the value is no absolute URL. Default `expected an absolute http(s) URL`. */
  notAUrl?: string;
  /** When the scheme is another; `, got '<scheme>'` follows. Default `expected http or https`. */
  notHttp?: string;
  /** When the URL has a query string or fragment. Default `expected no query string or fragment`. */
  hasQueryOrFragment?: string;
};

/**
 * Checks that `value` is an absolute http(s) URL without credentials, query string or fragment,
 * and returns it normalised, without trailing slashes. `where` is the config path the value came
 * from, for the messages; the URL itself never appears in them, as it may hold a password.
 *
 * @public
 */
export function parseHttpUrl(
  value: string,
  where: string,
  messages: HttpUrlMessages,
): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `Invalid URL at '${where}'; ${
        messages.notAUrl ?? 'expected an absolute http(s) URL'
      }`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(
      `Invalid URL at '${where}'; ${
        messages.notHttp ?? 'expected http or https'
      }, got '${url.protocol}'`,
    );
  }
  if (url.username || url.password) {
    throw new Error(
      `The URL at '${where}' contains credentials; ${messages.credentialsHint}`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(
      `Invalid URL at '${where}'; ${
        messages.hasQueryOrFragment ?? 'expected no query string or fragment'
      }`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * Reads an optional http(s) URL: readOptionalTrimmedString, then parseHttpUrl.
 *
 * @public
 */
export function readOptionalHttpUrl(
  config: Config,
  key: string,
  path: string,
  messages: HttpUrlMessages,
): string | undefined {
  const value = readOptionalTrimmedString(config, key, path);
  if (value === undefined) return undefined;
  return parseHttpUrl(value, `${path}.${key}`, messages);
}

/**
 * The range of readBoundedNumber, and what an absent value means.
 *
 * @public
 */
export type NumberBounds = {
  min: number;
  max: number;
  /** Only whole numbers are allowed. */
  integer?: boolean;
  /** Returned when the key is absent; without it an absent key throws. */
  default?: number;
};

/**
 * Reads a number within `[min, max]`. Out of range (or not whole, with `integer`) throws
 * `Invalid config value at '<path>.<key>'; expected a whole number from <min> to <max>, got <value>`
 * (`a number` without `integer`); absent without a default throws
 * `Missing required config value at '<path>.<key>'`.
 *
 * @public
 */
export function readBoundedNumber(
  config: Config,
  key: string,
  path: string,
  bounds: NumberBounds,
): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) {
    if (bounds.default !== undefined) return bounds.default;
    throw new Error(`Missing required config value at '${path}.${key}'`);
  }
  if (
    !Number.isFinite(value) ||
    value < bounds.min ||
    value > bounds.max ||
    (bounds.integer && !Number.isInteger(value))
  ) {
    throw new Error(
      `Invalid config value at '${path}.${key}'; expected ${
        bounds.integer ? 'a whole number' : 'a number'
      } from ${bounds.min} to ${bounds.max}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads an optional timeout or interval in milliseconds: a positive whole number.
 *
 * @public
 */
export function readOptionalPositiveMilliseconds(
  config: Config,
  key: string,
  path: string,
): number | undefined {
  const value = config.getOptionalNumber(key);
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    throw new Error(
      `Invalid config value at '${path}.${key}'; expected a positive whole number of milliseconds`,
    );
  }
  return value;
}

/**
 * The syntax of instance names (a Kubernetes label value): they become part of adapter ids and
 * labels, so every module allows the same.
 */
const ENTRY_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * Reads the required `name` of an entry of readUniquelyNamedEntries' list and checks its syntax:
 * at most 63 letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit.
 * `label` names it in the message, e.g. `cluster name`.
 *
 * @public
 */
export function readEntryName(
  config: Config,
  path: string,
  label: string,
): string {
  const name = readOptionalTrimmedString(config, 'name', path);
  if (name === undefined) {
    throw new Error(`Missing required config value at '${path}.name'`);
  }
  if (!ENTRY_NAME_PATTERN.test(name)) {
    throw new Error(
      `Invalid ${label} '${name}' at '${path}.name'; use at most 63 letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

/**
 * Where readUniquelyNamedEntries finds its list, how it reads one entry and what the messages
 * call things.
 *
 * @public
 */
export type UniquelyNamedEntriesOptions<K extends string, T> = {
  /** The module's config section, e.g. `llmOps.dvc`; when absent, there are no entries. */
  section: string;
  /** The list in the section, e.g. `repositories`; required once the section is there. */
  listKey: string;
  /** One entry in the missing-list message, `list at least one <entryNoun>`, e.g. `DVC repository`. */
  entryNoun: string;
  /** The key that names an entry, in the config and on the entry read. */
  nameKey: K;
  /** The name in the duplicate message, `Duplicate <nameLabel> '<name>'`, e.g. `repository name`. */
  nameLabel: string;
  /** Reads and validates one entry; `path` is e.g. `llmOps.dvc.repositories[0]`. */
  readEntry: (entry: Config, path: string) => T;
};

/**
 * Reads the list of instances a module connects to (`<section>.<listKey>`), each with a name that
 * is unique in the list because it becomes part of adapter ids. Returns no entries when the section
 * is absent. Throws on a missing list and on a name used twice, naming both places.
 *
 * @public
 */
export function readUniquelyNamedEntries<
  K extends string,
  T extends { [P in K]: string },
>(config: Config, options: UniquelyNamedEntriesOptions<K, T>): T[] {
  const { section, listKey, nameKey } = options;
  const sectionConfig = config.getOptionalConfig(section);
  if (!sectionConfig) return [];
  if (!sectionConfig.has(listKey)) {
    throw new Error(
      `Missing required config value at '${section}.${listKey}'; list at least one ${options.entryNoun}, or remove '${section}'`,
    );
  }
  const seen = new Map<string, string>();
  return sectionConfig.getConfigArray(listKey).map((entry, index) => {
    const path = `${section}.${listKey}[${index}]`;
    const read = options.readEntry(entry, path);
    const name = read[nameKey];
    const earlier = seen.get(name);
    if (earlier) {
      throw new Error(
        `Duplicate ${options.nameLabel} '${name}' at '${path}.${nameKey}'; '${earlier}.${nameKey}' uses it already`,
      );
    }
    seen.set(name, path);
    return read;
  });
}
