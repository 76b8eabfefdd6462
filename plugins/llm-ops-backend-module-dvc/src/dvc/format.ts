/** Compressions whose inner extension is the format: `x.csv.gz` is `csv.gz`. */
const COMPRESSIONS = new Set(['gz', 'bz2', 'xz', 'zst', 'zip', 'lz4']);

/**
 * The dataset's format from its path: `dir` for a directory, else the file's extension in lower
 * case (`csv`, `parquet`, `jsonl`, `csv.gz`); undefined without one.
 */
export function formatOf(path: string, isDir: boolean): string | undefined {
  if (isDir) return 'dir';
  // A leading dot names a hidden file, not an extension.
  const base = path
    .slice(path.lastIndexOf('/') + 1)
    .toLowerCase()
    .replace(/^\.+/, '');
  const parts = base.split('.').slice(1);
  if (parts.length === 0) return undefined;
  const last = parts[parts.length - 1];
  const format =
    COMPRESSIONS.has(last) && parts.length > 1
      ? `${parts[parts.length - 2]}.${last}`
      : last;
  return /^[a-z0-9]+(\.[a-z0-9]+)?$/.test(format) && format.length <= 20
    ? format
    : undefined;
}
