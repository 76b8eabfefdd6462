import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run';

/** The commits the fixture makes, oldest first; each has a fixed commit time. */
export type FixtureCommits = {
  /** `dvc add` of data/raw.csv and data/images (2 files); tagged `v1` (lightweight). */
  v1: string;
  /** Both changed (a row more, a third image); tagged `v2` (annotated). */
  v2: string;
  /** The `prepare` stage added and reproduced: data/prepared; no tag. */
  prepare: string;
  /** Only a README changes: no dataset changes here. */
  readme: string;
};

export type DvcRepositoryFixture = {
  /** The git + DVC repository's root. */
  root: string;
  /** The local DVC remote (`dvc remote add -d local <remote>`), pushed with `dvc push -A`. */
  remote: string;
  commits: FixtureCommits;
  /** Commit times in epoch ms, by commit id. */
  times: Map<string, number>;
  /** The environment every git and dvc command of the fixture ran with. */
  env: NodeJS.ProcessEnv;
  /** Runs git in the repository with the fixture's environment. */
  git(...args: string[]): Promise<string>;
  /** Runs dvc in the repository with the fixture's environment. */
  dvc(...args: string[]): Promise<string>;
  cleanup(): Promise<void>;
};

/** Commit times a minute apart from a fixed start, so revision order and createdAt are exact. */
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/**
 * Builds a real DVC repository with the real `dvc` CLI and git in a temporary directory: git
 * init, dvc init, a local default remote, a csv file and a directory added, committed and tagged
 * v1, both changed and tagged v2, a `prepare` stage (a plain `sh` command) reproduced and
 * committed, a README commit, and everything pushed to the remote. DVC and git get isolated
 * config (no analytics, no user or system config), so the result only depends on the inputs.
 */
export async function buildDvcRepository(
  dvcPath: string,
): Promise<DvcRepositoryFixture> {
  const tmp = await mkdtemp(join(tmpdir(), 'llm-ops-dvc-'));
  const root = join(tmp, 'repo');
  const remote = join(tmp, 'remote');
  await mkdir(root);
  await writeFile(join(tmp, 'gitconfig'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tmp,
    LANG: 'C.UTF-8',
    DVC_NO_ANALYTICS: '1',
    DVC_GLOBAL_CONFIG_DIR: join(tmp, 'dvc-global'),
    DVC_SITE_CACHE_DIR: join(tmp, 'dvc-site'),
    GIT_CONFIG_GLOBAL: join(tmp, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (...args: string[]) => run('git', args, { cwd: root, env });
  const dvc = (...args: string[]) => run(dvcPath, args, { cwd: root, env });
  const times = new Map<string, number>();
  let minute = 0;
  const commit = async (message: string) => {
    const date = new Date(START + minute++ * 60_000).toISOString();
    await git('add', '-A');
    await run('git', ['commit', '-q', '-m', message], {
      cwd: root,
      env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    const sha = (await git('rev-parse', 'HEAD')).trim();
    times.set(sha, Date.parse(date));
    return sha;
  };

  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'llm-ops test');
  await git('config', 'user.email', 'llm-ops-test@example.com');
  await git('config', 'commit.gpgsign', 'false');
  await git('config', 'tag.gpgsign', 'false');
  await dvc('init', '-q');
  await dvc('remote', 'add', '-d', 'local', remote);

  await mkdir(join(root, 'data', 'images'), { recursive: true });
  await writeFile(join(root, 'data', 'raw.csv'), 'id,text\n1,hello\n2,world\n');
  await writeFile(join(root, 'data', 'images', 'a.txt'), 'image a\n');
  await writeFile(join(root, 'data', 'images', 'b.txt'), 'image b\n');
  await dvc('add', '-q', 'data/raw.csv', 'data/images');
  const v1 = await commit('v1: raw data and images');
  await git('tag', 'v1');

  await writeFile(
    join(root, 'data', 'raw.csv'),
    'id,text\n1,hello\n2,world\n3,again\n',
  );
  await writeFile(join(root, 'data', 'images', 'c.txt'), 'image c\n');
  await dvc('add', '-q', 'data/raw.csv', 'data/images');
  const v2 = await commit('v2: more data');
  await git('tag', '-a', 'v2', '-m', 'second release of the data');

  await writeFile(
    join(root, 'params.yaml'),
    'prepare:\n  split: 0.25\n  seed: 7\n',
  );
  // A code dependency, which lineage must leave out because it is not a dataset.
  await writeFile(
    join(root, 'prepare.sh'),
    'mkdir -p data/prepared\ncp data/raw.csv data/prepared/rows.csv\nls data/images > data/prepared/images.txt\n',
  );
  await dvc(
    'stage',
    'add',
    '-q',
    '-n',
    'prepare',
    '-p',
    'prepare.split,prepare.seed',
    '-d',
    'prepare.sh',
    '-d',
    'data/raw.csv',
    '-d',
    'data/images',
    '-o',
    'data/prepared',
    'sh prepare.sh',
  );
  await dvc('repro', '-q');
  const prepare = await commit('prepare stage');

  await writeFile(join(root, 'README.md'), '# Test data\n');
  const readme = await commit('readme only');

  // -A: every commit's data, so the remote has each version's objects, not only the latest.
  await dvc('push', '-q', '-A');

  return {
    root,
    remote,
    commits: { v1, v2, prepare, readme },
    times,
    env,
    git,
    dvc,
    cleanup: () => rm(tmp, { recursive: true, force: true }),
  };
}

/** The md5 DVC 3 records for a file: the plain md5 of its bytes. */
export function md5(content: string | Buffer): string {
  return createHash('md5').update(content).digest('hex');
}

/**
 * The hash DVC 3 records for a directory of files (relative path => content), computed
 * independently of DVC: the md5 of `json.dumps(sorted([{"md5": ..., "relpath": ...}]),
 * sort_keys=True)` (Python's default separators `, ` and `: `), plus `.dir`.
 */
export function dirMd5(files: Record<string, string>): string {
  const entries = Object.keys(files)
    .sort()
    .map(name => `{"md5": "${md5(files[name])}", "relpath": "${name}"}`);
  return `${md5(`[${entries.join(', ')}]`)}.dir`;
}
