import type { Config } from '@backstage/config';
import {
  readEntryName,
  readBoundedNumber,
  readOptionalHttpUrl,
  readOptionalTrimmedString,
  readUniquelyNamedEntries,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { resolve as resolvePath } from 'node:path';
import { isSafeRef } from './source/refs';

/**
 * One repository from `llmOps.dvc.repositories`, validated, with the defaults filled in.
 *
 * @public
 */
export type DvcRepositoryConfig = {
  /** Unique among the repositories; the adapter is `dvc:<name>`, datasets `<name>/<path>`. */
  name: string;
  /** Where the repository is read from: a local checkout (absolute path) or a web URL. */
  location: { kind: 'path'; path: string } | { kind: 'url'; url: string };
  /** The branches and tags to read, oldest first; for a local path, undefined means the default. */
  refs?: string[];
  /** How many commits of the current branch a local repository reads by default. */
  maxRevisions: number;
  /** The config path of the entry, e.g. `llmOps.dvc.repositories[0]`, for error messages. */
  configPath: string;
};

/** Defaults of the optional settings. */
export const DVC_DEFAULTS = { maxRevisions: 50 } as const;

const CONFIG_PATH = 'llmOps.dvc';

/**
 * Reads and validates `llmOps.dvc.repositories`. Returns no repositories when `llmOps.dvc` is
 * absent. Throws at startup, naming the config path, on a missing or malformed key or on
 * duplicate names.
 *
 * @public
 */
export function readDvcRepositories(config: Config): DvcRepositoryConfig[] {
  return readUniquelyNamedEntries(config, {
    section: CONFIG_PATH,
    listKey: 'repositories',
    entryNoun: 'DVC repository',
    nameKey: 'name',
    nameLabel: 'repository name',
    readEntry: readRepository,
  });
}

function readRepository(entry: Config, path: string): DvcRepositoryConfig {
  const name = readEntryName(entry, path, 'repository name');
  const localPath = readOptionalTrimmedString(entry, 'path', path);
  const url = readRepositoryUrl(entry, path);
  if ((localPath === undefined) === (url === undefined)) {
    throw new Error(
      `Give exactly one of '${path}.path' (a local git checkout) and '${path}.url' (a repository URL)`,
    );
  }
  const refs = readRefs(entry, path);
  if (url !== undefined && refs === undefined) {
    throw new Error(
      `Missing required config value at '${path}.refs'; a repository read by URL needs the branches and tags to read, e.g. [v1.0, main]`,
    );
  }
  return {
    name,
    location:
      url !== undefined
        ? { kind: 'url', url }
        : { kind: 'path', path: resolvePath(localPath!) },
    ...(refs ? { refs } : {}),
    maxRevisions: readBoundedNumber(entry, 'maxRevisions', path, {
      min: 1,
      max: 10000,
      integer: true,
      default: DVC_DEFAULTS.maxRevisions,
    }),
    configPath: path,
  };
}

function readRefs(entry: Config, path: string): string[] | undefined {
  if (!entry.has('refs')) return undefined;
  let refs: string[];
  try {
    refs = entry.getStringArray('refs');
  } catch {
    throw new Error(
      `Invalid config value at '${path}.refs'; expected a list of branch and tag names`,
    );
  }
  if (refs.length === 0) {
    throw new Error(
      `Empty list at '${path}.refs'; name at least one branch or tag, or remove the key`,
    );
  }
  refs.forEach((ref, index) => {
    // Refs become git CLI arguments and URL path segments: only plain ref names get through.
    if (!isSafeRef(ref)) {
      throw new Error(
        `Invalid ref '${ref}' at '${path}.refs[${index}]'; use a branch or tag name of letters, digits, '.', '_', '-' and '/', not starting with '-' or '/' and without '..'`,
      );
    }
  });
  return [...new Set(refs)];
}

/** The repository's web URL, in the form git hosts' links use: no trailing `/` or `.git`. */
function readRepositoryUrl(entry: Config, path: string): string | undefined {
  return readOptionalHttpUrl(entry, 'url', path, {
    credentialsHint: 'put them in the Backstage integrations config instead',
    hasQueryOrFragment:
      "expected the repository's URL without a query string or fragment",
  })?.replace(/\.git$/, '');
}
