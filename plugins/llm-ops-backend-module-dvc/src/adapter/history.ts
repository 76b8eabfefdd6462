import type {
  DatasetVersionRecord,
  DatasetVersionRef,
  StageLineage,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { formatOf } from '../dvc/format';
import { remoteObjectUrl } from '../dvc/remote';
import type { Revision } from '../source/types';
import type { RevisionSnapshot, TrackedDataset } from './snapshot';

/** The revisions of one repository, oldest first, with what each one's metadata says. */
export type ReadRevision = { revision: Revision; snapshot: RevisionSnapshot };

type CurrentVersion = { key: string; label: string; trackedBy: string };

export type RepositoryHistory = {
  versions: DatasetVersionRecord[];
  stages: StageLineage[];
};

/**
 * Dataset versions and stage lineage from a repository's revisions, oldest first. A dataset gets
 * a version at each revision where its content hash differs from the one at the previous revision
 * read (including its first appearance, and its return after it was untracked). A stage's
 * dependencies and outputs point at the version of each dataset current at the stage's revision;
 * dependencies that are not datasets at that revision (code, params files) are left out.
 */
export function buildHistory(
  repo: {
    name: string;
    repository: string;
    browseUrl?: (revision: Revision, path: string) => string;
  },
  revisions: ReadRevision[],
): RepositoryHistory {
  const versions: DatasetVersionRecord[] = [];
  const stages: StageLineage[] = [];
  /** Dataset path => its version current at this point: content key, label, tracking file. */
  let current = new Map<string, CurrentVersion>();
  /** Stage name => what its last reported run read and wrote, to report a run once, not per commit. */
  const lastRun = new Map<string, string>();
  for (const { revision, snapshot } of revisions) {
    const next = new Map<string, CurrentVersion>();
    // A tracking file that does not parse here hides nothing: its datasets stay as they were.
    for (const [path, version] of current) {
      if (snapshot.unreadable.has(version.trackedBy)) next.set(path, version);
    }
    for (const [path, dataset] of snapshot.datasets) {
      const key = contentKey(dataset);
      const previous = current.get(path);
      if (previous && previous.key === key) {
        next.set(path, { ...previous, trackedBy: dataset.trackedBy });
        continue;
      }
      next.set(path, {
        key,
        label: revision.label,
        trackedBy: dataset.trackedBy,
      });
      versions.push(record(repo, revision, snapshot, dataset));
    }
    current = next;
    const versionsHere = current;
    const refOf = (path: string): DatasetVersionRef[] => {
      const version = versionsHere.get(path);
      return version
        ? [
            {
              datasetName: datasetNameOf(repo.name, path),
              version: version.label,
            },
          ]
        : [];
    };
    for (const stage of snapshot.stages) {
      const run: StageLineage = {
        stage: stage.name,
        repository: repo.repository,
        revision: revision.sha,
        version: revision.label,
        ...(revision.createdAt !== undefined
          ? { committedAt: revision.createdAt }
          : {}),
        ...(stage.cmd !== undefined ? { cmd: stage.cmd } : {}),
        params: stage.params,
        deps: stage.deps.flatMap(dep => refOf(dep.path)),
        outs: stage.outs.flatMap(out => refOf(out.path)),
      };
      // A commit that leaves dvc.lock's stage as it was (a README change) is not a new run.
      const fingerprint = JSON.stringify([
        run.cmd,
        run.params,
        run.deps,
        run.outs,
      ]);
      if (lastRun.get(stage.name) === fingerprint) continue;
      lastRun.set(stage.name, fingerprint);
      stages.push(run);
    }
  }
  return { versions, stages };
}

/** `<repository name>/<path>`, e.g. `datasets/data/raw.csv`. */
export function datasetNameOf(repoName: string, path: string): string {
  return `${repoName}/${path}`;
}

/** Outputs without an md5 (cloud outputs) count as unchanged while they stay tracked. */
function contentKey(dataset: TrackedDataset): string {
  return dataset.md5 ? `md5:${dataset.md5}` : 'untracked-content';
}

function record(
  repo: {
    name: string;
    repository: string;
    browseUrl?: (revision: Revision, path: string) => string;
  },
  revision: Revision,
  snapshot: RevisionSnapshot,
  dataset: TrackedDataset,
): DatasetVersionRecord {
  const objectUrl = snapshot.remoteUrl
    ? remoteObjectUrl(snapshot.remoteUrl, dataset)
    : undefined;
  let fileCount: number | undefined;
  if (dataset.isDir) fileCount = dataset.nfiles;
  else if (dataset.md5) fileCount = 1;
  const format = formatOf(dataset.path, dataset.isDir);
  return {
    datasetName: datasetNameOf(repo.name, dataset.path),
    version: revision.label,
    uri: objectUrl ?? `${repo.repository.replace(/\/+$/, '')}/${dataset.path}`,
    ...(dataset.md5 ? { digest: `md5:${dataset.md5}` } : {}),
    ...(dataset.size !== undefined ? { sizeBytes: dataset.size } : {}),
    ...(fileCount !== undefined ? { fileCount } : {}),
    ...(format ? { format } : {}),
    ...(dataset.desc ? { description: dataset.desc } : {}),
    ...(snapshot.remoteUrl ? { remoteUrl: snapshot.remoteUrl } : {}),
    source: {
      repository: repo.repository,
      path: dataset.path,
      revision: revision.sha,
    },
    ...(repo.browseUrl
      ? { url: repo.browseUrl(revision, dataset.trackedBy) }
      : {}),
    ...(revision.createdAt !== undefined
      ? { createdAt: revision.createdAt }
      : {}),
  };
}
