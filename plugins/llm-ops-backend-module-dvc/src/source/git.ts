import { execFile, spawn } from 'node:child_process';

/** Git never prompts for credentials and never takes a lock a concurrent `git` would trip on. */
const GIT_ENV = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  LC_ALL: 'C',
};

const TIMEOUT_MS = 60_000;

/**
 * Runs `git -C <root> <args>` without a shell, so no argument is ever interpreted by one; callers
 * pass only validated refs, commit ids and fixed options. Rejects with git's own message.
 */
export function git(root: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', root, ...args],
      {
        env: GIT_ENV,
        timeout: TIMEOUT_MS,
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim().split('\n').slice(-3).join(' ');
          reject(
            new Error(
              `git ${args[0]} failed${
                detail ? `: ${detail}` : `: ${error.message}`
              }`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/**
 * Reads blobs by object id with one `git cat-file --batch` process: a header line
 * `<oid> blob <size>` and then exactly `<size>` bytes and a newline per object. Answers
 * oid => content; ids git does not have are left out.
 */
export function readBlobs(
  root: string,
  oids: string[],
): Promise<Map<string, Buffer>> {
  if (oids.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', root, 'cat-file', '--batch'], {
      env: GIT_ENV,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', code => {
      if (code !== 0) {
        reject(
          new Error(`git cat-file failed: ${stderr.trim() || `exit ${code}`}`),
        );
        return;
      }
      try {
        resolve(parseBatch(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(`${oids.join('\n')}\n`);
  });
}

function parseBatch(output: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < output.length) {
    const eol = output.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = output.toString('utf8', at, eol).split(' ');
    at = eol + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    if (!Number.isSafeInteger(size) || at + size > output.length) {
      throw new Error('git cat-file answered with a truncated object');
    }
    if (header[1] === 'blob')
      blobs.set(header[0], output.subarray(at, at + size));
    at += size + 1;
  }
  return blobs;
}
