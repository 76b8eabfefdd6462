import { posix } from 'node:path';
import { parse } from 'yaml';
import {
  baseDirOf,
  isRecord,
  readTrackedPath,
  type TrackedPath,
} from './outputs';

/** One stage of a `dvc.lock`: what it last ran, with which parameters, reading and writing what. */
export type LockedStage = {
  /** The stage's name; `foreach`/`matrix` stages are `<name>@<key>`, as DVC names them. */
  name: string;
  cmd?: string;
  /** Parameter values, flattened to `<params file>:<key>` => value. */
  params: Record<string, string>;
  deps: TrackedPath[];
  outs: TrackedPath[];
};

/**
 * The stages of a `dvc.lock` (schema 2.0). `lockPath` is the lock file's path in the repository;
 * `dvcYamlText` is the `dvc.yaml` next to it, read only for the stages' `wdir` (dvc.lock records
 * paths relative to it without recording it). Throws on YAML that does not parse and on another
 * lock schema (DVC 1's format has no `schema` key).
 */
export function parseDvcLock(
  lockText: string,
  lockPath: string,
  dvcYamlText?: string,
): LockedStage[] {
  const lock: unknown = parse(lockText);
  if (!isRecord(lock)) return [];
  if (String(lock.schema) !== '2.0') {
    throw new Error(
      `${lockPath} has lock schema '${String(
        lock.schema ?? 'none',
      )}'; only schema 2.0 (DVC 2 and later) is read`,
    );
  }
  if (!isRecord(lock.stages)) return [];
  const wdirs = stageWdirs(dvcYamlText);
  const dir = posix.dirname(lockPath);
  return Object.entries(lock.stages).flatMap(([name, stage]) => {
    if (!isRecord(stage)) return [];
    // `train@1` is generated from the stage `train` of dvc.yaml.
    const baseDir = baseDirOf(dir, wdirs.get(name.split('@')[0]));
    const locked: LockedStage = {
      name,
      params: flattenParams(stage.params),
      deps: entries(stage.deps, baseDir),
      outs: entries(stage.outs, baseDir),
    };
    const cmd = commandOf(stage.cmd);
    if (cmd !== undefined) locked.cmd = cmd;
    return [locked];
  });
}

function entries(list: unknown, baseDir: string): TrackedPath[] {
  return Array.isArray(list)
    ? list.flatMap(entry => readTrackedPath(entry, baseDir) ?? [])
    : [];
}

/** A list of commands runs one after the other, stopping at the first failure. */
function commandOf(cmd: unknown): string | undefined {
  if (typeof cmd === 'string') return cmd;
  if (Array.isArray(cmd) && cmd.every(part => typeof part === 'string')) {
    return cmd.join(' && ');
  }
  return undefined;
}

/**
 * `params: {params.yaml: {train.lr: 0.1, prepare: {split: 0.2}}}` becomes
 * `{'params.yaml:train.lr': '0.1', 'params.yaml:prepare.split': '0.2'}`: nested objects are
 * flattened with dots, lists are kept as JSON.
 */
export function flattenParams(params: unknown): Record<string, string> {
  const flat: Record<string, string> = {};
  if (!isRecord(params)) return flat;
  const visit = (prefix: string, value: unknown) => {
    if (isRecord(value)) {
      for (const [key, inner] of Object.entries(value)) {
        visit(`${prefix}.${key}`, inner);
      }
    } else if (Array.isArray(value)) {
      flat[prefix] = JSON.stringify(value);
    } else {
      flat[prefix] = String(value);
    }
  };
  for (const [file, values] of Object.entries(params)) {
    if (!isRecord(values)) continue;
    for (const [key, value] of Object.entries(values)) {
      visit(`${file}:${key}`, value);
    }
  }
  return flat;
}

function stageWdirs(dvcYamlText: string | undefined): Map<string, string> {
  const wdirs = new Map<string, string>();
  if (dvcYamlText === undefined) return wdirs;
  let doc: unknown;
  try {
    doc = parse(dvcYamlText);
  } catch {
    // dvc.yaml is only read for wdir; a broken one leaves every stage at the lock's directory.
    return wdirs;
  }
  if (!isRecord(doc) || !isRecord(doc.stages)) return wdirs;
  for (const [name, stage] of Object.entries(doc.stages)) {
    if (isRecord(stage) && typeof stage.wdir === 'string') {
      wdirs.set(name, stage.wdir);
    }
  }
  return wdirs;
}
