import type { Config } from '@backstage/config';
import {
  readEntryName,
  readBoundedNumber,
  readOptionalHttpUrl,
  readOptionalTrimmedString,
  readUniquelyNamedEntries,
} from '@llm-ops/backstage-plugin-llm-ops-node';

/**
 * One hub from `llmOps.huggingface.hubs`, validated, with the defaults filled in.
 *
 * @public
 */
export type HuggingFaceHubConfig = {
  /** Unique among the hubs; the adapter is called `huggingface:<name>`. */
  name: string;
  /** The hub's URL, without a trailing slash. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`; starts with `hf_`. */
  token?: string;
  /** Repo ids (`org/name`) to import. */
  models: string[];
  /** Users and organisations whose every model is imported. */
  authors: string[];
  /** How many of the newest commits of the default branch become versions. */
  maxRevisions: number;
};

/** Defaults of the optional settings. */
export const HUGGING_FACE_DEFAULTS = {
  url: 'https://huggingface.co',
  maxRevisions: 20,
} as const;

const CONFIG_PATH = 'llmOps.huggingface';

/** The Hub's own syntax for user, organisation and repository names. */
const HUB_NAME = '[A-Za-z0-9][A-Za-z0-9._-]{0,95}';
const AUTHOR_PATTERN = new RegExp(`^${HUB_NAME}$`);
const REPO_ID_PATTERN = new RegExp(`^${HUB_NAME}/${HUB_NAME}$`);

/**
 * Reads and validates `llmOps.huggingface.hubs`. Returns no hubs when `llmOps.huggingface` is
 * absent. Throws at startup, naming the config path, on a missing or malformed key or on
 * duplicate names; never with a token in the message.
 *
 * @public
 */
export function readHuggingFaceHubs(config: Config): HuggingFaceHubConfig[] {
  return readUniquelyNamedEntries(config, {
    section: CONFIG_PATH,
    listKey: 'hubs',
    entryNoun: 'hub',
    nameKey: 'name',
    nameLabel: 'hub name',
    readEntry: readHub,
  });
}

function readHub(entry: Config, path: string): HuggingFaceHubConfig {
  const name = readEntryName(entry, path, 'hub name');
  const models = readNames(entry, 'models', path, REPO_ID_PATTERN, 'org/name');
  const authors = readNames(entry, 'authors', path, AUTHOR_PATTERN, 'name');
  if (models.length === 0 && authors.length === 0) {
    throw new Error(
      `Nothing to import at '${path}'; list repo ids under '${path}.models' or users and organisations under '${path}.authors'`,
    );
  }
  const hub: HuggingFaceHubConfig = {
    name,
    url:
      readOptionalHttpUrl(entry, 'url', path, {
        credentialsHint: `use '${path}.token'`,
      }) ?? HUGGING_FACE_DEFAULTS.url,
    models,
    authors,
    maxRevisions: readBoundedNumber(entry, 'maxRevisions', path, {
      min: 1,
      max: 1000,
      integer: true,
      default: HUGGING_FACE_DEFAULTS.maxRevisions,
    }),
  };
  const token = readToken(entry, path);
  if (token !== undefined) hub.token = token;
  return hub;
}

function readNames(
  entry: Config,
  key: string,
  path: string,
  pattern: RegExp,
  shape: string,
): string[] {
  if (!entry.has(key)) return [];
  let values: string[];
  try {
    values = entry.getStringArray(key);
  } catch {
    throw new Error(
      `Invalid config value at '${path}.${key}'; expected a list of strings`,
    );
  }
  const names = values.map((value, index) => {
    const name = value.trim();
    if (!pattern.test(name)) {
      throw new Error(
        `Invalid value '${value}' at '${path}.${key}[${index}]'; expected a Hub ${shape} (letters, digits, '.', '_' and '-')`,
      );
    }
    return name;
  });
  return [...new Set(names)];
}

function readToken(entry: Config, path: string): string | undefined {
  const token = readOptionalTrimmedString(entry, 'token', path);
  if (token === undefined) return undefined;
  // @huggingface/hub refuses any other token with a TypeError on every call; saying so here
  // fails the startup instead of every sync. The token itself stays out of the message.
  if (!token.startsWith('hf_')) {
    throw new Error(
      `Invalid token at '${path}.token'; Hugging Face access tokens start with 'hf_'`,
    );
  }
  return token;
}
