import { isDvcFilePath } from '../dvc/dvcFile';
import { isRepoPath } from './refs';

/** The repository's DVC config, where the default remote is named. */
export const DVC_CONFIG_PATH = '.dvc/config';

/** Whether a file is one the adapter reads: `.dvc` files, `dvc.lock`, `dvc.yaml`, `.dvc/config`. */
export function isMetadataPath(path: string): boolean {
  if (!isRepoPath(path)) return false;
  if (path === DVC_CONFIG_PATH) return true;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'dvc.lock' || base === 'dvc.yaml' || isDvcFilePath(path);
}

/** DVC metadata files are small; anything bigger than this is not read. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;
