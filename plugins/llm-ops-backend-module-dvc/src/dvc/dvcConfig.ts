/**
 * The parts of a repository's `.dvc/config` the module needs: the default remote. The file is
 * INI as Python's configobj writes it for DVC:
 *
 * ```ini
 * [core]
 *     remote = storage
 * ['remote "storage"']
 *     url = s3://bucket/path
 * ```
 *
 * Sections may be written with or without the outer quotes; values may be quoted; `#` and `;`
 * start comment lines, and `#` after whitespace starts a comment in an unquoted value. That is
 * all DVC writes, so a small parser does, instead of an INI library that would read
 * `'remote "storage"'` literally.
 */
export type DvcConfig = {
  /** `core.remote`: the remote that `dvc push` uses without `-r`. */
  defaultRemote?: string;
  /** Remote name => URL, as written (relative local paths are relative to `.dvc/`). */
  remotes: Map<string, string>;
};

export function parseDvcConfig(text: string): DvcConfig {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const name = unquote(section[1].trim());
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) continue;
    current.set(
      line.slice(0, eq).trim().toLowerCase(),
      valueOf(line.slice(eq + 1)),
    );
  }
  const remotes = new Map<string, string>();
  for (const [name, values] of sections) {
    const remote = /^remote\s+"(.+)"$/.exec(name);
    const url = values.get('url');
    if (remote && url) remotes.set(remote[1], url);
  }
  const defaultRemote = sections.get('core')?.get('remote');
  return { ...(defaultRemote ? { defaultRemote } : {}), remotes };
}

/** The default remote's name and URL, when the config names one that it defines. */
export function defaultRemoteOf(
  config: DvcConfig,
): { name: string; url: string } | undefined {
  if (!config.defaultRemote) return undefined;
  const url = config.remotes.get(config.defaultRemote);
  return url ? { name: config.defaultRemote, url } : undefined;
}

function valueOf(raw: string): string {
  const value = raw.trim();
  const quoted = /^(['"])(.*)\1$/.exec(value);
  if (quoted) return quoted[2];
  return value.replace(/\s#.*$/, '').trim();
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return quoted ? quoted[2] : value;
}
