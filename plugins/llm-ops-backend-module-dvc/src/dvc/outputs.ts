import { posix } from 'node:path';
import { isRepoPath } from '../source/refs';

/**
 * An output or dependency as a `.dvc` file or `dvc.lock` records it, with its path made relative
 * to the repository's root.
 */
export type TrackedPath = {
  /** POSIX path from the repository's root, e.g. `data/raw.csv`. */
  path: string;
  /** The content hash DVC recorded; directories end in `.dir`. Absent for cloud outputs. */
  md5?: string;
  /**
   * `md5` for DVC 3 hashing (plain md5 of the bytes); `md5-dos2unix` for entries that DVC 2
   * wrote (no `hash` key), which also live at another place in the remote.
   */
  hashName: 'md5' | 'md5-dos2unix';
  size?: number;
  /** Number of files, for directories. */
  nfiles?: number;
  isDir: boolean;
  /** The output's `desc`, when the file gives one. */
  desc?: string;
};

/**
 * Reads one `outs`/`deps` entry. `baseDir` is where DVC resolves the entry's path: the `.dvc`
 * file's or `dvc.yaml`'s directory joined with the stage's `wdir`. Entries that are not plain
 * objects with a path inside the repository (external or cloud paths) give undefined.
 */
export function readTrackedPath(
  entry: unknown,
  baseDir: string,
): TrackedPath | undefined {
  if (!isRecord(entry) || typeof entry.path !== 'string') return undefined;
  // Absolute paths and URLs (`s3://...`, `remote://...`) are outside the repository.
  if (
    entry.path.startsWith('/') ||
    /^[A-Za-z][A-Za-z0-9+.-]*:/.test(entry.path)
  ) {
    return undefined;
  }
  const path = posix.normalize(posix.join(baseDir, entry.path));
  if (!isRepoPath(path)) return undefined;
  const md5 =
    typeof entry.md5 === 'string' && /^[0-9a-f]{32}(\.dir)?$/.test(entry.md5)
      ? entry.md5
      : undefined;
  const tracked: TrackedPath = {
    path,
    hashName: entry.hash === 'md5' ? 'md5' : 'md5-dos2unix',
    isDir: md5?.endsWith('.dir') ?? false,
  };
  if (md5) tracked.md5 = md5;
  if (isCount(entry.size)) tracked.size = entry.size;
  if (isCount(entry.nfiles)) tracked.nfiles = entry.nfiles;
  if (typeof entry.desc === 'string' && entry.desc.trim()) {
    tracked.desc = entry.desc.trim();
  }
  return tracked;
}

/** The directory a path is resolved from: `dir` joined with an optional `wdir`, normalized. */
export function baseDirOf(dir: string, wdir: unknown): string {
  const joined = posix.normalize(
    posix.join(dir, typeof wdir === 'string' ? wdir : '.'),
  );
  return joined === '.' ? '' : joined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
