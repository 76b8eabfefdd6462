import { posix } from 'node:path';
import { parse } from 'yaml';
import {
  baseDirOf,
  isRecord,
  readTrackedPath,
  type TrackedPath,
} from './outputs';

/**
 * The outputs of a `.dvc` file (what `dvc add` writes), with paths from the repository's root.
 * `filePath` is the `.dvc` file's own path in the repository: outputs are relative to its
 * directory (and its `wdir`). Throws on YAML that does not parse.
 */
export function parseDvcFile(text: string, filePath: string): TrackedPath[] {
  const doc: unknown = parse(text);
  if (!isRecord(doc) || !Array.isArray(doc.outs)) return [];
  const baseDir = baseDirOf(posix.dirname(filePath), doc.wdir);
  return doc.outs.flatMap(out => readTrackedPath(out, baseDir) ?? []);
}

/**
 * Whether a repository path is a `.dvc` file. Files inside a `.dvc` directory (DVC's own config
 * and cache) are not, and neither is a file called just `.dvc`.
 */
export function isDvcFilePath(path: string): boolean {
  const parts = path.split('/');
  const base = parts[parts.length - 1];
  return (
    base.endsWith('.dvc') &&
    base !== '.dvc' &&
    !parts.slice(0, -1).includes('.dvc')
  );
}
