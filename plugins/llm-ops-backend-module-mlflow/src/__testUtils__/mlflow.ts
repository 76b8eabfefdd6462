import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AddressInfo, createServer, Socket } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/*
 * Shared by the tests that run against a real MLflow tracking server: `scripts/services/mlflow.sh
 * start` prints its URL, which goes into LLM_OPS_TEST_MLFLOW_URL. Without it the tests are
 * skipped, unless LLM_OPS_REQUIRE_REAL_SERVICES=1 makes that an error.
 */
export const mlflowUrl = process.env.LLM_OPS_TEST_MLFLOW_URL;
if (!mlflowUrl && process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1') {
  throw new Error(
    'A real MLflow server is required but LLM_OPS_TEST_MLFLOW_URL is not set; run ' +
      '`export LLM_OPS_TEST_MLFLOW_URL=$(scripts/services/mlflow.sh start)` from the repository root first',
  );
}
export const describeWithMlflow = mlflowUrl ? describe : describe.skip;

/** The venv that scripts/services/mlflow.sh installs, to write through MLflow's own client. */
export const mlflowPython =
  process.env.LLM_OPS_TEST_MLFLOW_PYTHON ??
  resolve(__dirname, '../../../../.tools/venv-mlflow/bin/python');
export const describeWithMlflowPython =
  mlflowUrl &&
  (existsSync(mlflowPython) ||
    process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1')
    ? describe
    : describe.skip;

/** A prefix unique to this test run, for names on the shared server. */
export function uniquePrefix(label: string): string {
  return `llm-ops-test-${label}-${Date.now()}-${Math.random()
    .toString(36)
    .slice(2, 8)}`;
}

/** Runs a Python script with MLflow's client against the test server; returns its last stdout line as JSON. */
export async function runMlflowPython(
  script: string,
  args: string[],
): Promise<any> {
  const { stdout } = await promisify(execFile)(
    mlflowPython,
    ['-c', script, ...args],
    {
      timeout: 50_000,
      env: {
        ...process.env,
        MLFLOW_TRACKING_URI: mlflowUrl!,
        MLFLOW_DISABLE_TELEMETRY: 'true',
        DO_NOT_TRACK: 'true',
        GIT_PYTHON_REFRESH: 'quiet',
      },
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** A local port on which nothing listens any more. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise(done => server.close(done));
  return port;
}

/** A server that accepts connections and never answers, like a hung MLflow. */
export async function silentServer(): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = createServer(socket => {
    sockets.add(socket);
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      sockets.forEach(socket => socket.destroy());
      await new Promise(done => server.close(done));
    },
  };
}

export const sleep = (ms: number) =>
  new Promise<void>(done => setTimeout(done, ms));
