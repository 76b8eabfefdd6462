/*
 * Validation of the values that reach the git CLI and URLs: configured refs, commit ids that git
 * printed, and repository paths read from DVC files. A value that fails is never passed on, so
 * none can become an option (`--upload-pack=...`), a revision range or a path outside the
 * repository.
 */

/**
 * A plain branch or tag name: letters, digits, `.`, `_`, `-` and `/`; not starting with `-`, `.`
 * or `/`; no `..`, `//`, `@{`, trailing `/` or `.lock` (a subset of `git check-ref-format`).
 */
export function isSafeRef(ref: string): boolean {
  return (
    /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$/.test(ref) &&
    !ref.includes('..') &&
    !ref.includes('//') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.endsWith('.lock') &&
    !ref.split('/').some(part => part.startsWith('.'))
  );
}

/** A full commit id as git prints it (SHA-1, or SHA-256 in repositories that use it). */
export function isCommitSha(value: string): boolean {
  return /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

/**
 * A path inside the repository in POSIX form, normalized: relative, no `.` or `..` segments, no
 * control characters. Paths that DVC files name outside the repository (`../x`, `/abs`,
 * `s3://...`) are not datasets of this repository.
 */
export function isRepoPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.startsWith('-')) return false;
  if (
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f\\]/.test(path) ||
    /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)
  ) {
    return false;
  }
  return path
    .split('/')
    .every(part => part !== '' && part !== '.' && part !== '..');
}
