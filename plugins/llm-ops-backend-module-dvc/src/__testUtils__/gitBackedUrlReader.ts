import type {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlResponse,
} from '@backstage/backend-plugin-api';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import { run } from './run';

/**
 * A UrlReaderService for GitHub URLs whose reads come from a real local git repository, for the
 * URL-mode tests. Why a stand-in: Backstage's GitHub reader needs github.com (or a GitHub
 * Enterprise API), which this machine cannot reach. It follows the GitHub reader's documented
 * contract as the adapter relies on it: `https://github.com/<o>/<r>/tree/<ref>` for readTree and
 * `.../blob/<ref>/<path>` for readUrl; readTree's etag is the ref's commit id, a matching `etag`
 * option throws NotModifiedError, `filter(path, {size})` selects files and paths are relative to
 * the tree; a missing file is a NotFoundError. The ref is the first path segment (the fixture's
 * refs have no `/`). `git show <sha>:<path>` gives the contents, so they are exactly what git
 * holds at that revision.
 */
export class GitBackedUrlReader implements UrlReaderService {
  /** Every URL readTree was called with, and whether it answered NotModified. */
  readonly treeReads: Array<{ url: string; notModified: boolean }> = [];

  constructor(
    private readonly root: string,
    private readonly repoUrl: string,
  ) {}

  async readUrl(url: string): Promise<UrlReaderServiceReadUrlResponse> {
    const { kind, ref, path } = this.parse(url);
    if (kind !== 'blob' || !path)
      throw new NotFoundError(`Not a file URL: ${url}`);
    const sha = await this.resolve(ref);
    const content = await this.git(['show', `${sha}:${path}`]).catch(() => {
      throw new NotFoundError(`${url} does not exist`);
    });
    return { buffer: async () => content, etag: sha };
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    const { kind, ref, path } = this.parse(url);
    if (kind !== 'tree' || path)
      throw new NotFoundError(`Not a repository tree URL: ${url}`);
    const sha = await this.resolve(ref);
    if (options?.etag === sha) {
      this.treeReads.push({ url, notModified: true });
      throw new NotModifiedError();
    }
    this.treeReads.push({ url, notModified: false });
    const listing = (
      await this.git(['ls-tree', '-r', '-z', '-l', sha])
    ).toString('utf8');
    const files = listing
      .split('\0')
      .flatMap(entry => {
        const match = /^\d+ blob [0-9a-f]+ +(\d+)\t(.+)$/s.exec(entry);
        return match ? [{ path: match[2], size: Number(match[1]) }] : [];
      })
      .filter(
        file =>
          !options?.filter || options.filter(file.path, { size: file.size }),
      )
      .map(file => ({
        path: file.path,
        content: () => this.git(['show', `${sha}:${file.path}`]),
      }));
    return {
      files: async () => files,
      archive: async () => {
        throw new Error('archive() is not used by the DVC adapter');
      },
      dir: async () => {
        throw new Error('dir() is not used by the DVC adapter');
      },
      etag: sha,
    };
  }

  async search(): Promise<never> {
    throw new Error('search() is not used by the DVC adapter');
  }

  private parse(url: string): { kind: string; ref: string; path: string } {
    if (!url.startsWith(`${this.repoUrl}/`)) {
      throw new NotFoundError(`${url} is not in ${this.repoUrl}`);
    }
    const [kind, ref, ...path] = url
      .slice(this.repoUrl.length + 1)
      .split('/')
      .map(decodeURIComponent);
    return { kind, ref, path: path.join('/') };
  }

  private async resolve(ref: string): Promise<string> {
    const out = await this.git([
      'rev-parse',
      '--verify',
      '--end-of-options',
      `${ref}^{commit}`,
    ]).catch(() => {
      throw new NotFoundError(`No ref '${ref}' in ${this.repoUrl}`);
    });
    return out.toString('utf8').trim();
  }

  private git(args: string[]): Promise<Buffer> {
    return run('git', args, { cwd: this.root }).then(out =>
      Buffer.from(out, 'utf8'),
    );
  }
}
