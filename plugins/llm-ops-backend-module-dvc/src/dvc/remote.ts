import { isAbsolute, resolve } from 'node:path';
import type { TrackedPath } from './outputs';

/**
 * Where a tracked path's content lives in a DVC remote: `<remote>/files/md5/<xx>/<rest>` for
 * DVC 3 hashes (directories as their `.dir` object), `<remote>/<xx>/<rest>` for what DVC 2 pushed.
 * Undefined when DVC recorded no md5 (cloud outputs).
 */
export function remoteObjectUrl(
  remoteUrl: string,
  tracked: TrackedPath,
): string | undefined {
  if (!tracked.md5) return undefined;
  const base = remoteUrl.replace(/\/+$/, '');
  const prefix = tracked.hashName === 'md5' ? '/files/md5' : '';
  return `${base}${prefix}/${tracked.md5.slice(0, 2)}/${tracked.md5.slice(2)}`;
}

/**
 * A remote URL as DVC resolves it: a relative local path is relative to the `.dvc` directory of
 * a checkout. For a repository read by URL there is no checkout, so the URL stays as written.
 */
export function resolveRemoteUrl(url: string, checkoutRoot?: string): string {
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]+:/.test(url);
  if (hasScheme || isAbsolute(url) || checkoutRoot === undefined) return url;
  return resolve(checkoutRoot, '.dvc', url);
}
