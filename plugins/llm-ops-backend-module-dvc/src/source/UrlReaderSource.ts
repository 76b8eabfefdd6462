import type { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  DVC_CONFIG_PATH,
  isMetadataPath,
  MAX_METADATA_BYTES,
} from './metadataPaths';
import { isCommitSha } from './refs';
import type {
  MetadataFiles,
  RepositorySource,
  Revision,
  RevisionList,
} from './types';
import type { RefUrlForm } from './urlForms';

type CachedTree = { etag: string; files: MetadataFiles };

/**
 * A DVC repository read through Backstage's URL reader and integrations: one `readTree` per
 * configured ref, filtered to the DVC metadata files. The readers' etag for a tree is its commit
 * id (GitHub, GitLab, Bitbucket), which becomes the revision; a tree whose etag did not change
 * is not downloaded again (the reader answers NotModifiedError). A URL reader cannot list tags
 * or commit history, so exactly the configured refs are read, in the configured order, each
 * labelled with its ref name, and commit times are unknown.
 */
export class UrlReaderSource implements RepositorySource {
  readonly repository: string;
  private readonly trees = new Map<string, CachedTree>();
  private readonly bySha = new Map<string, MetadataFiles>();

  constructor(
    private readonly options: {
      url: string;
      refs: string[];
      reader: UrlReaderService;
      form: RefUrlForm;
    },
  ) {
    this.repository = options.url;
  }

  async check(): Promise<void> {
    const ref = this.options.refs[0];
    try {
      await this.options.reader.readUrl(
        this.options.form.file(ref, DVC_CONFIG_PATH),
      );
    } catch (error) {
      throw new Error(
        `Reading ${DVC_CONFIG_PATH} at '${ref}' of ${
          this.options.url
        } failed: ${messageOf(error)}`,
      );
    }
  }

  async revisions(): Promise<RevisionList> {
    const revisions: Revision[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const ref of this.options.refs) {
      let tree: CachedTree;
      try {
        tree = await this.readTree(ref);
      } catch (error) {
        problems.push(
          `Reading '${ref}' of ${this.options.url} failed: ${messageOf(error)}`,
        );
        continue;
      }
      const sha = isCommitSha(tree.etag) ? tree.etag : ref;
      // Two refs at one commit (a tag on main) are one revision, named by the ref listed first.
      if (seen.has(sha)) continue;
      seen.add(sha);
      this.bySha.set(sha, tree.files);
      revisions.push({ sha, label: isCommitSha(ref) ? ref.slice(0, 12) : ref });
    }
    return { revisions, problems };
  }

  async files(revision: Revision): Promise<MetadataFiles> {
    return this.bySha.get(revision.sha) ?? new Map();
  }

  browseUrl(revision: Revision, path: string): string {
    return this.options.form.file(revision.sha, path);
  }

  private async readTree(ref: string): Promise<CachedTree> {
    const cached = this.trees.get(ref);
    try {
      const response = await this.options.reader.readTree(
        this.options.form.tree(ref),
        {
          etag: cached?.etag,
          filter: (path, info) =>
            isMetadataPath(path) && (info?.size ?? 0) <= MAX_METADATA_BYTES,
        },
      );
      const files: MetadataFiles = new Map();
      for (const file of await response.files()) {
        // Readers give paths relative to the tree URL; the filter already ran, this is a guard.
        if (isMetadataPath(file.path)) {
          files.set(file.path, (await file.content()).toString('utf8'));
        }
      }
      const tree = { etag: response.etag, files };
      this.trees.set(ref, tree);
      return tree;
    } catch (error) {
      if (cached && (error as Error)?.name === 'NotModifiedError')
        return cached;
      throw error;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
