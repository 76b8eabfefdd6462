import { stat } from 'node:fs/promises';
import { git, readBlobs } from './git';
import { isMetadataPath, MAX_METADATA_BYTES } from './metadataPaths';
import { isCommitSha } from './refs';
import type {
  MetadataFiles,
  RepositorySource,
  Revision,
  RevisionList,
} from './types';

/**
 * A DVC repository in a local git checkout, read with the `git` CLI (plumbing commands only, no
 * work tree access): the embedded default, and repositories the backend has cloned itself.
 * Without configured refs it reads the current branch's last `maxRevisions` commits and every
 * tagged commit.
 */
export class GitCliSource implements RepositorySource {
  readonly repository: string;
  readonly checkoutRoot: string;

  constructor(
    private readonly options: {
      root: string;
      refs?: string[];
      maxRevisions: number;
    },
  ) {
    this.repository = options.root;
    this.checkoutRoot = options.root;
  }

  async check(): Promise<void> {
    const info = await stat(this.options.root).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new Error(
        `The repository path ${this.options.root} does not exist or is not a directory`,
      );
    }
    const head = await git(this.options.root, [
      'rev-parse',
      '--verify',
      'HEAD',
    ]).catch(error => {
      throw new Error(
        `${this.options.root} is not a readable git repository with commits (${
          (error as Error).message
        })`,
      );
    });
    if (!isCommitSha(head.trim())) {
      throw new Error(
        `git rev-parse HEAD printed no commit id in ${this.options.root}`,
      );
    }
  }

  async revisions(): Promise<RevisionList> {
    const root = this.options.root;
    const problems: string[] = [];
    const tags = await this.tagsByCommit();
    let shas: string[];
    if (this.options.refs) {
      shas = [];
      for (const ref of this.options.refs) {
        const sha = await this.resolve(ref);
        if (sha) shas.push(sha);
        else
          problems.push(`The ref '${ref}' does not name a commit in ${root}`);
      }
    } else {
      // An unborn branch (a repository without commits) has no history; tags may still exist.
      const hasHead = await git(root, [
        'rev-parse',
        '--verify',
        '--quiet',
        'HEAD',
      ])
        .then(() => true)
        .catch(() => false);
      const history = hasHead
        ? await git(root, [
            'rev-list',
            `--max-count=${this.options.maxRevisions}`,
            'HEAD',
          ])
        : '';
      shas = [...lines(history), ...tags.keys()];
    }
    const unique = [...new Set(shas.filter(isCommitSha))];
    const times = await this.commitTimes(unique);
    const revisions = unique.map((sha, index) => ({
      revision: {
        sha,
        label: labelOf(sha, tags.get(sha), this.options.refs),
        createdAt: times.get(sha),
      } as Revision,
      index,
    }));
    // Oldest first; commits made in the same second keep git's order (newest first there).
    revisions.sort(
      (a, b) =>
        (a.revision.createdAt ?? 0) - (b.revision.createdAt ?? 0) ||
        b.index - a.index,
    );
    return { revisions: revisions.map(entry => entry.revision), problems };
  }

  async files(revision: Revision): Promise<MetadataFiles> {
    if (!isCommitSha(revision.sha)) return new Map();
    const root = this.options.root;
    // -z: paths come NUL-terminated and unquoted; -l adds the blob size.
    const listing = await git(root, [
      'ls-tree',
      '-r',
      '-z',
      '-l',
      '--full-tree',
      revision.sha,
    ]);
    const wanted = new Map<string, string>();
    for (const entry of listing.split('\0')) {
      const match = /^(\d+) blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(entry);
      if (!match) continue;
      const [, mode, oid, size, path] = match;
      // 120000 is a symlink: its blob is the link target, not the file.
      if (mode === '120000' || Number(size) > MAX_METADATA_BYTES) continue;
      if (isMetadataPath(path)) wanted.set(path, oid);
    }
    const blobs = await readBlobs(root, [...new Set(wanted.values())]);
    const files: MetadataFiles = new Map();
    for (const [path, oid] of wanted) {
      const blob = blobs.get(oid);
      if (blob) files.set(path, blob.toString('utf8'));
    }
    return files;
  }

  /** The commit a ref names; `--end-of-options` keeps even a ref like `-x` from being an option. */
  private async resolve(ref: string): Promise<string | undefined> {
    const out = await git(this.options.root, [
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ]).catch(() => '');
    const sha = out.trim();
    return isCommitSha(sha) ? sha : undefined;
  }

  /** Tag names per commit; annotated tags are peeled to their commit, others are skipped. */
  private async tagsByCommit(): Promise<Map<string, string[]>> {
    const out = await git(this.options.root, [
      'for-each-ref',
      '--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)',
      'refs/tags',
    ]);
    const tags = new Map<string, string[]>();
    for (const line of lines(out)) {
      const [name, type, sha, peeledType, peeled] = line.split('\0');
      let commit: string | undefined;
      if (type === 'commit') commit = sha;
      else if (peeledType === 'commit') commit = peeled;
      if (!commit || !isCommitSha(commit)) continue;
      tags.set(commit, [...(tags.get(commit) ?? []), name]);
    }
    return tags;
  }

  private async commitTimes(shas: string[]): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    if (shas.length === 0) return times;
    // Commit ids only (validated above), never refs: nothing here can be read as an option.
    const out = await git(this.options.root, [
      'show',
      '-s',
      '--no-walk=unsorted',
      '--format=%H %ct',
      ...shas,
    ]);
    for (const line of lines(out)) {
      const [sha, seconds] = line.split(' ');
      if (isCommitSha(sha)) times.set(sha, Number(seconds) * 1000);
    }
    return times;
  }
}

/**
 * A revision's label: its tag (a configured tag first, else the first in sort order, so the
 * choice is stable), else the commit id's first 12 characters.
 */
function labelOf(
  sha: string,
  tags: string[] | undefined,
  refs?: string[],
): string {
  if (tags && tags.length > 0) {
    return tags.find(tag => refs?.includes(tag)) ?? [...tags].sort()[0];
  }
  return sha.slice(0, 12);
}

function lines(text: string): string[] {
  return text.split('\n').filter(line => line !== '');
}
