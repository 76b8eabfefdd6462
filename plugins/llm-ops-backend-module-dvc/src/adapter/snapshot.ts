import { posix } from 'node:path';
import { defaultRemoteOf, parseDvcConfig } from '../dvc/dvcConfig';
import { isDvcFilePath, parseDvcFile } from '../dvc/dvcFile';
import { parseDvcLock, type LockedStage } from '../dvc/dvcLock';
import type { TrackedPath } from '../dvc/outputs';
import { resolveRemoteUrl } from '../dvc/remote';
import { DVC_CONFIG_PATH } from '../source/metadataPaths';
import type { MetadataFiles } from '../source/types';

/** A dataset at one revision: the tracked path and the file that tracks it. */
export type TrackedDataset = TrackedPath & { trackedBy: string };

/** What one revision's DVC metadata says: its datasets, its stages and its default remote. */
export type RevisionSnapshot = {
  /** Dataset path => what tracks it; `.dvc` outputs and `dvc.lock` stage outputs. */
  datasets: Map<string, TrackedDataset>;
  stages: LockedStage[];
  /** The default remote's URL, resolved (relative local remotes against the checkout). */
  remoteUrl?: string;
  /** Files that could not be read, with why; the rest of the revision is still used. */
  problems: string[];
  /** The paths of those files: what they tracked before is taken as unchanged. */
  unreadable: Set<string>;
};

/**
 * Reads a revision's metadata files into a snapshot. A file that does not parse is reported as a
 * problem and skipped, so one broken `.dvc` file does not hide the repository's other datasets.
 */
export function readSnapshot(
  files: MetadataFiles,
  checkoutRoot?: string,
): RevisionSnapshot {
  const snapshot: RevisionSnapshot = {
    datasets: new Map(),
    stages: [],
    problems: [],
    unreadable: new Set(),
  };
  const attempt = (path: string, read: () => void) => {
    try {
      read();
    } catch (error) {
      snapshot.unreadable.add(path);
      snapshot.problems.push(
        `${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const paths = [...files.keys()].sort();
  for (const path of paths.filter(isDvcFilePath)) {
    attempt(path, () => {
      for (const out of parseDvcFile(files.get(path)!, path)) {
        snapshot.datasets.set(out.path, { ...out, trackedBy: path });
      }
    });
  }
  for (const path of paths.filter(p => posix.basename(p) === 'dvc.lock')) {
    const dvcYaml = posix.join(posix.dirname(path), 'dvc.yaml');
    attempt(path, () => {
      const stages = parseDvcLock(files.get(path)!, path, files.get(dvcYaml));
      snapshot.stages.push(...stages);
      for (const out of stages.flatMap(stage => stage.outs)) {
        // A path both `dvc add`ed and produced by a stage is DVC's error; the .dvc file wins.
        if (!snapshot.datasets.has(out.path)) {
          snapshot.datasets.set(out.path, { ...out, trackedBy: path });
        }
      }
    });
  }
  const config = files.get(DVC_CONFIG_PATH);
  if (config !== undefined) {
    const remote = defaultRemoteOf(parseDvcConfig(config));
    if (remote) snapshot.remoteUrl = resolveRemoteUrl(remote.url, checkoutRoot);
  }
  return snapshot;
}
