import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/*
 * The tests that run against a real Hub-compatible server: olah, started by
 * `scripts/services/olah.sh start` (its URL goes into LLM_OPS_TEST_HF_URL), which serves the git
 * repositories under its mirrors folder (`olah.sh mirrors`, LLM_OPS_TEST_HF_MIRRORS) as Hub model
 * repositories. olah finds a repository on each request, so the tests create theirs while it
 * runs. Without both variables the tests are skipped, unless LLM_OPS_REQUIRE_REAL_SERVICES=1
 * makes that an error.
 */
export const olahUrl = process.env.LLM_OPS_TEST_HF_URL;
export const olahMirrors = process.env.LLM_OPS_TEST_HF_MIRRORS;
if (
  (!olahUrl || !olahMirrors) &&
  process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1'
) {
  throw new Error(
    'A real Hub-compatible server (olah) is required but LLM_OPS_TEST_HF_URL or LLM_OPS_TEST_HF_MIRRORS ' +
      'is not set; run `export LLM_OPS_TEST_HF_URL=$(scripts/services/olah.sh start) ' +
      'LLM_OPS_TEST_HF_MIRRORS=$(scripts/services/olah.sh mirrors)` from the repository root first',
  );
}
export const describeWithOlah =
  olahUrl && olahMirrors ? describe : describe.skip;

/** An organisation name unique to this run: engineers share one olah and its mirrors folder. */
export function uniqueOrg(label: string): string {
  return `llmops-${label}-${Date.now().toString(36)}${Math.random()
    .toString(36)
    .slice(2, 6)}`;
}

/** A Git LFS pointer, as the Hub stores a large file in git; olah recognises it by its shape. */
export function lfsPointer(content: string, size: number): string {
  const oid = createHash('sha256').update(content).digest('hex');
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;
}

export type FixtureCommit = {
  title: string;
  /** Files to write (path → content); `null` deletes. */
  files: Record<string, string | null>;
  /** ISO date, in UTC: olah prints commit dates as UTC without converting the offset. */
  date: string;
};

/**
 * Creates `<mirrors>/models/<org>/<name>` as a git repository on branch `main` with the given
 * commits, oldest first, and returns their shas, oldest first.
 */
export function createFixtureRepo(
  org: string,
  name: string,
  commits: FixtureCommit[],
): string[] {
  const dir = join(olahMirrors!, 'models', org, name);
  mkdirSync(dir, { recursive: true });
  const git = (args: string[], date?: string) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_NAME: 'llm-ops test',
        GIT_AUTHOR_EMAIL: 'test@llm-ops.invalid',
        GIT_COMMITTER_NAME: 'llm-ops test',
        GIT_COMMITTER_EMAIL: 'test@llm-ops.invalid',
        ...(date
          ? {
              GIT_AUTHOR_DATE: `${date} +0000`,
              GIT_COMMITTER_DATE: `${date} +0000`,
            }
          : {}),
      },
    }).trim();
  git(['init', '-q', '-b', 'main']);
  const shas: string[] = [];
  for (const commit of commits) {
    for (const [path, content] of Object.entries(commit.files)) {
      const file = join(dir, path);
      if (content === null) {
        rmSync(file);
      } else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
    git(['add', '--all']);
    git(['commit', '-q', '--no-gpg-sign', '-m', commit.title], commit.date);
    shas.push(git(['rev-parse', 'HEAD']));
  }
  return shas;
}

/** Removes an organisation's fixture repositories. */
export function removeFixtureOrg(org: string) {
  rmSync(join(olahMirrors!, 'models', org), { recursive: true, force: true });
}
