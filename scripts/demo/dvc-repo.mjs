#!/usr/bin/env node
// Creates the demo DVC repository of the embedded default (`make start`): a git repository whose
// `.dvc` files, dvc.yaml and dvc.lock are what DVC 3 writes, so the DVC module reads it like any
// other, without the dvc CLI being installed. Two tagged revisions: v1.0 tracks raw reviews;
// v2.0 adds reviews and a `prepare` stage that splits them into train and test sets.
// Usage: node scripts/demo/dvc-repo.mjs <directory>   (does nothing when the repository exists)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: dvc-repo.mjs <directory>');
  process.exit(2);
}
if (existsSync(join(dir, '.git'))) process.exit(0);

const md5 = text => createHash('md5').update(text).digest('hex');
const DAY = 24 * 3600 * 1000;

function git(args, when) {
  const date = new Date(when).toISOString();
  execFileSync('git', args, {
    cwd: dir,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'LLM Ops demo',
      GIT_AUTHOR_EMAIL: 'demo@llm-ops.example',
      GIT_COMMITTER_NAME: 'LLM Ops demo',
      GIT_COMMITTER_EMAIL: 'demo@llm-ops.example',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
}

function write(path, text) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** A `.dvc` file for one file, as `dvc add` writes it (DVC 3 hashing). */
function dvcFileFor(path, content) {
  const name = path.split('/').pop();
  return `outs:\n- md5: ${md5(content)}\n  size: ${Buffer.byteLength(
    content,
  )}\n  hash: md5\n  path: ${name}\n`;
}

/** DVC's directory hash: md5 of the sorted JSON listing (Python's separators), plus `.dir`. */
function dirHash(files) {
  const listing = Object.keys(files)
    .sort()
    .map(
      relpath => `{"md5": "${md5(files[relpath])}", "relpath": "${relpath}"}`,
    )
    .join(', ');
  return `${md5(`[${listing}]`)}.dir`;
}

const reviews = rows =>
  `text,label\n${rows
    .map(
      (r, i) =>
        `"review ${i + 1}: ${r}",${i % 3 === 0 ? 'negative' : 'positive'}`,
    )
    .join('\n')}\n`;
const v1Rows = [
  'great support',
  'slow answers',
  'clear docs',
  'crashed twice',
  'fast setup',
  'works offline',
];
const v2Rows = [
  ...v1Rows,
  'good defaults',
  'confusing errors',
  'helpful team',
  'stable upgrades',
  'broken link',
  'love the CLI',
];

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const start = Date.now() - 30 * DAY;
git(['init', '-q', '-b', 'main'], start);
write(
  '.dvc/config',
  '[core]\n    remote = storage\n[\'remote "storage"\']\n    url = s3://llm-ops-demo/dvc-store\n',
);
write('.dvc/.gitignore', '/config.local\n/tmp\n/cache\n');
write('.dvcignore', '# Add patterns of files dvc should ignore\n');
write('.gitignore', '/data/raw/reviews.csv\n/data/prepared\n');
write(
  'README.md',
  '# Demo datasets\n\nCustomer reviews for the sentiment fine-tune, versioned with DVC.\n',
);

// v1.0: the first raw export.
const raw1 = reviews(v1Rows);
write('data/raw/reviews.csv.dvc', dvcFileFor('data/raw/reviews.csv', raw1));
git(['add', '-A'], start);
git(
  ['commit', '-q', '-m', 'Track the first export of customer reviews'],
  start,
);
git(['tag', 'v1.0'], start);

// v2.0: more reviews, and the prepare stage that splits them.
const at2 = start + 20 * DAY;
const raw2 = reviews(v2Rows);
const lines = raw2.trim().split('\n');
const header = lines[0];
const body = lines.slice(1);
const cut = Math.round(body.length * 0.8);
const prepared = {
  'train.csv': `${header}\n${body.slice(0, cut).join('\n')}\n`,
  'test.csv': `${header}\n${body.slice(cut).join('\n')}\n`,
};
const preparedSize = Object.values(prepared).reduce(
  (n, t) => n + Buffer.byteLength(t),
  0,
);
write('data/raw/reviews.csv.dvc', dvcFileFor('data/raw/reviews.csv', raw2));
write('params.yaml', 'prepare:\n  split: 0.2\n  seed: 42\n');
const prepareScript =
  '"""Splits the raw reviews into train and test sets (see dvc.yaml)."""\n';
write('src/prepare.py', prepareScript);
write(
  'dvc.yaml',
  `stages:\n  prepare:\n    cmd: python src/prepare.py data/raw/reviews.csv data/prepared\n    deps:\n    - data/raw/reviews.csv\n    - src/prepare.py\n    params:\n    - prepare.split\n    - prepare.seed\n    outs:\n    - data/prepared\n`,
);
write(
  'dvc.lock',
  `schema: '2.0'\nstages:\n  prepare:\n    cmd: python src/prepare.py data/raw/reviews.csv data/prepared\n    deps:\n    - path: data/raw/reviews.csv\n      hash: md5\n      md5: ${md5(
    raw2,
  )}\n      size: ${Buffer.byteLength(
    raw2,
  )}\n    - path: src/prepare.py\n      hash: md5\n      md5: ${md5(
    prepareScript,
  )}\n      size: ${Buffer.byteLength(
    prepareScript,
  )}\n    params:\n      params.yaml:\n        prepare.seed: 42\n        prepare.split: 0.2\n    outs:\n    - path: data/prepared\n      hash: md5\n      md5: ${dirHash(
    prepared,
  )}\n      size: ${preparedSize}\n      nfiles: 2\n`,
);
git(['add', '-A'], at2);
git(
  ['commit', '-q', '-m', 'Add the second export and split it for training'],
  at2,
);
git(['tag', 'v2.0'], at2);
console.log(dir);
