import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  IntegrationHealthTracker,
  type DatasetVersionRecord,
  type DataVersioningAdapter,
  type IntegrationHealth,
  type StageLineage,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { readDvcRepositories, type DvcRepositoryConfig } from '../config';
import { GitCliSource } from '../source/GitCliSource';
import type { RepositorySource } from '../source/types';
import { UrlReaderSource } from '../source/UrlReaderSource';
import { refUrlFormFor } from '../source/urlForms';
import { buildHistory, type RepositoryHistory } from './history';
import { readSnapshot, type RevisionSnapshot } from './snapshot';

/**
 * The data-versioning adapter for one DVC repository: `dvc:<name>`. Each call reads the
 * repository's revisions again (cheap: a few git commands, or a tree request per ref that the
 * reader answers from its etag), parses only revisions it has not seen (they are immutable), and
 * rebuilds the versions and the lineage from them. The llm-ops backend calls it on its schedule.
 *
 * @public
 */
export class DvcDataVersioningAdapter implements DataVersioningAdapter {
  readonly id: string;
  readonly category = 'data-versioning' as const;
  readonly capabilities: ReadonlySet<string> = new Set(['stage-lineage']);

  private snapshots = new Map<string, RevisionSnapshot>();
  private inFlight?: Promise<RepositoryHistory>;
  /** Problems of the last read (unknown refs, broken files): health reports them as degraded. */
  private lastProblems: string[] = [];
  private lastReadError?: string;
  private readonly health = new IntegrationHealthTracker();

  /** One adapter per repository under `llmOps.dvc.repositories`; throws on invalid config. */
  static fromConfig(
    config: Config,
    options: { reader: UrlReaderService; logger: LoggerService },
  ): DvcDataVersioningAdapter[] {
    const repositories = readDvcRepositories(config);
    if (repositories.length === 0) return [];
    const integrations = ScmIntegrations.fromConfig(config);
    return repositories.map(repository => {
      const location = repository.location;
      const source: RepositorySource =
        location.kind === 'path'
          ? new GitCliSource({
              root: location.path,
              refs: repository.refs,
              maxRevisions: repository.maxRevisions,
            })
          : new UrlReaderSource({
              url: location.url,
              refs: repository.refs!,
              reader: options.reader,
              form: refUrlFormFor(
                integrations,
                location.url,
                repository.configPath,
              ),
            });
      return new DvcDataVersioningAdapter(repository, source, options.logger);
    });
  }

  constructor(
    private readonly repository: Pick<DvcRepositoryConfig, 'name'>,
    private readonly source: RepositorySource,
    private readonly logger?: LoggerService,
  ) {
    this.id = `dvc:${repository.name}`;
  }

  async listDatasetVersions(): Promise<DatasetVersionRecord[]> {
    return (await this.read()).versions;
  }

  async listStageLineage(): Promise<StageLineage[]> {
    return (await this.read()).stages;
  }

  async checkHealth(): Promise<IntegrationHealth> {
    const started = performance.now();
    try {
      await this.source.check();
    } catch (error) {
      return this.health.failed('down', messageOf(error));
    }
    const latencyMs = Math.round(performance.now() - started);
    if (this.lastReadError) {
      return this.health.failed('degraded', this.lastReadError, latencyMs);
    }
    if (this.lastProblems.length > 0) {
      const more = this.lastProblems.length - 1;
      return this.health.failed(
        'degraded',
        `${this.lastProblems[0]}${
          more > 0 ? ` (and ${more} more problem(s))` : ''
        }`,
        latencyMs,
      );
    }
    return this.health.up(latencyMs);
  }

  /** Concurrent callers (versions and lineage of one sync) share one read. */
  private read(): Promise<RepositoryHistory> {
    if (!this.inFlight) {
      this.inFlight = this.readOnce().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async readOnce(): Promise<RepositoryHistory> {
    try {
      const { revisions, problems } = await this.source.revisions();
      const snapshots = new Map<string, RevisionSnapshot>();
      for (const revision of revisions) {
        const snapshot =
          this.snapshots.get(revision.sha) ??
          readSnapshot(
            await this.source.files(revision),
            this.source.checkoutRoot,
          );
        snapshots.set(revision.sha, snapshot);
        problems.push(
          ...snapshot.problems.map(
            problem => `${problem} (at ${revision.label})`,
          ),
        );
      }
      // Only the revisions still read stay cached, so the cache follows the configured window.
      this.snapshots = snapshots;
      if (problems.length > 0) {
        this.logger?.warn(
          `${this.id}: ${problems.length} problem(s) reading the repository; first: ${problems[0]}`,
        );
      }
      this.lastProblems = problems;
      this.lastReadError = undefined;
      return buildHistory(
        {
          name: this.repository.name,
          repository: this.source.repository,
          browseUrl: this.source.browseUrl?.bind(this.source),
        },
        revisions.map(revision => ({
          revision,
          snapshot: snapshots.get(revision.sha)!,
        })),
      );
    } catch (error) {
      this.lastReadError = `Reading the repository failed: ${messageOf(error)}`;
      throw new Error(`${this.id}: ${this.lastReadError}`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
