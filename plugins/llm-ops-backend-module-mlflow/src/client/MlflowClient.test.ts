import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AddressInfo, createServer, Socket } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { MlflowApiError, MlflowRequestError } from './errors';
import { MlflowClient } from './MlflowClient';
import { MlflowRun } from './types';

/*
 * Runs against a real MLflow tracking server: `scripts/services/mlflow.sh start` prints its URL,
 * which goes into LLM_OPS_TEST_MLFLOW_URL. The server is shared, so every name carries a prefix
 * unique to this run.
 */
const baseUrl = process.env.LLM_OPS_TEST_MLFLOW_URL;
if (!baseUrl && process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1') {
  throw new Error(
    'A real MLflow server is required but LLM_OPS_TEST_MLFLOW_URL is not set; run ' +
      '`export LLM_OPS_TEST_MLFLOW_URL=$(scripts/services/mlflow.sh start)` from the repository root first',
  );
}
const describeWithMlflow = baseUrl ? describe : describe.skip;

// The venv that scripts/services/mlflow.sh installs, for the round trip through MLflow's own client.
const python =
  process.env.LLM_OPS_TEST_MLFLOW_PYTHON ??
  resolve(__dirname, '../../../../.tools/venv-mlflow/bin/python');

const prefix = `llm-ops-test-${Date.now()}-${Math.random()
  .toString(36)
  .slice(2, 8)}`;

jest.setTimeout(60_000);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describeWithMlflow('MlflowClient against a real MLflow server', () => {
  // Built in beforeAll: a skipped describe still runs its body, where baseUrl may be unset.
  let client: MlflowClient;
  beforeAll(() => {
    client = new MlflowClient({ baseUrl: baseUrl!, timeoutMs: 20_000 });
  });

  async function newExperiment(name: string): Promise<string> {
    return client.experiments.create({ name: `${prefix}-${name}` });
  }

  async function newRunWith(
    experimentId: string,
    runName: string,
    acc: number,
    lr: string,
  ): Promise<MlflowRun> {
    const run = await client.runs.create({
      experiment_id: experimentId,
      run_name: runName,
      start_time: Date.now(),
    });
    await client.runs.logBatch({
      run_id: run.info.run_id,
      metrics: [{ key: 'acc', value: acc, timestamp: Date.now(), step: 0 }],
      params: [{ key: 'lr', value: lr }],
    });
    return run;
  }

  describe('experiments', () => {
    it('creates, gets, and searches with a filter across pages', async () => {
      const names = [0, 1, 2, 3, 4].map(i => `${prefix}-page-${i}`);
      const ids: string[] = [];
      for (const name of names) {
        ids.push(
          await client.experiments.create({
            name,
            tags: [{ key: 'suite', value: prefix }],
          }),
        );
      }

      const experiment = await client.experiments.get(ids[0]);
      expect(experiment).toMatchObject({
        experiment_id: ids[0],
        name: names[0],
        lifecycle_stage: 'active',
        tags: [{ key: 'suite', value: prefix }],
      });
      expect(experiment.creation_time).toBeGreaterThan(1_600_000_000_000); // milliseconds
      expect((await client.experiments.getByName(names[3])).experiment_id).toBe(
        ids[3],
      );

      const pages: string[][] = [];
      let pageToken: string | undefined;
      do {
        const page = await client.experiments.search({
          filter: `name LIKE '${prefix}-page-%'`,
          order_by: ['name ASC'],
          max_results: 2,
          page_token: pageToken,
        });
        pages.push(page.experiments.map(e => e.name));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(pages).toEqual([names.slice(0, 2), names.slice(2, 4), [names[4]]]);

      const byTag = await client.experiments.search({
        filter: `tags.suite = '${prefix}'`,
      });
      expect(byTag.experiments).toHaveLength(5);
      expect(byTag.nextPageToken).toBeUndefined();

      const none = await client.experiments.search({
        filter: `name = '${prefix}-no-such-experiment'`,
      });
      expect(none).toEqual({ experiments: [], nextPageToken: undefined });
    });

    it('renames, tags, deletes and restores', async () => {
      const id = await newExperiment('rename-me');
      await client.experiments.update(id, `${prefix}-renamed`);
      await client.experiments.setTag(id, 'team', 'llm-ops');
      const renamed = await client.experiments.get(id);
      expect(renamed.name).toBe(`${prefix}-renamed`);
      expect(renamed.tags).toContainEqual({ key: 'team', value: 'llm-ops' });
      const oldName = await rejection(
        client.experiments.getByName(`${prefix}-rename-me`),
      );
      expect(oldName).toMatchObject({ status: 404 });

      await client.experiments.delete(id);
      expect((await client.experiments.get(id)).lifecycle_stage).toBe(
        'deleted',
      );
      const filter = `name = '${prefix}-renamed'`;
      expect(
        (await client.experiments.search({ filter })).experiments,
      ).toHaveLength(0);
      expect(
        (await client.experiments.search({ filter, view_type: 'DELETED_ONLY' }))
          .experiments,
      ).toHaveLength(1);

      await client.experiments.restore(id);
      expect((await client.experiments.get(id)).lifecycle_stage).toBe('active');
    });
  });

  describe('runs', () => {
    it('logs more than one batch of metric points and reads the whole history back in order', async () => {
      const experimentId = await newExperiment('history');
      const run = await client.runs.create({
        experiment_id: experimentId,
        run_name: 'long-series',
        start_time: Date.now(),
        tags: [{ key: 'kind', value: 'history' }],
      });
      expect(run.info).toMatchObject({
        experiment_id: experimentId,
        run_name: 'long-series',
        status: 'RUNNING',
        lifecycle_stage: 'active',
      });

      // Counts the requests the client sends to the real server, to see the chunking happen.
      let logBatchRequests = 0;
      const counting = new MlflowClient({
        baseUrl: baseUrl!,
        fetch: (input, init) => {
          if (String(input).endsWith('/runs/log-batch')) logBatchRequests += 1;
          return fetch(input, init);
        },
      });
      const start = Date.now();
      const points = Array.from({ length: 2500 }, (_, i) => ({
        key: 'loss',
        value: 1 / (i + 1),
        timestamp: start + i,
        step: i,
      }));
      const params = Array.from({ length: 150 }, (_, i) => ({
        key: `hp_${i}`,
        value: `${i}`,
      }));
      await counting.runs.logBatch({
        run_id: run.info.run_id,
        metrics: points,
        params,
        tags: [{ key: 'dataset', value: 'wiki' }],
      });
      expect(logBatchRequests).toBe(4);

      const all = await client.runs.getMetricHistory({
        run_id: run.info.run_id,
        metric_key: 'loss',
      });
      expect(all.nextPageToken).toBeUndefined();
      expect(all.metrics).toHaveLength(2500);
      expect(all.metrics.map(m => [m.step, m.value, m.timestamp])).toEqual(
        points.map(p => [p.step, p.value, p.timestamp]),
      );

      const paged: number[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const page = await client.runs.getMetricHistory({
          run_id: run.info.run_id,
          metric_key: 'loss',
          max_results: 1000,
          page_token: pageToken,
        });
        paged.push(...page.metrics.map(m => m.step!));
        pageToken = page.nextPageToken;
        pages += 1;
      } while (pageToken);
      expect(pages).toBe(3);
      expect(paged).toEqual(points.map(p => p.step));

      const fetched = await client.runs.get(run.info.run_id);
      expect(fetched.data?.params).toHaveLength(150);
      // runs/get carries only the latest point of each metric.
      expect(fetched.data?.metrics).toEqual([
        expect.objectContaining({ key: 'loss', value: 1 / 2500, step: 2499 }),
      ]);
      expect(fetched.data?.tags).toEqual(
        expect.arrayContaining([
          { key: 'kind', value: 'history' },
          { key: 'dataset', value: 'wiki' },
        ]),
      );
    });

    it('stores NaN, and clamps the infinities to the largest doubles', async () => {
      const experimentId = await newExperiment('nan');
      const run = await client.runs.create({ experiment_id: experimentId });
      await client.runs.logBatch({
        run_id: run.info.run_id,
        metrics: [NaN, Infinity, -Infinity].map((value, step) => ({
          key: 'odd',
          value,
          timestamp: Date.now() + step,
          step,
        })),
      });
      const history = await client.runs.getMetricHistory({
        run_id: run.info.run_id,
        metric_key: 'odd',
      });
      // The SQL store saves the infinities as +/- Number.MAX_VALUE; NaN comes back as "NaN".
      expect(history.metrics.map(m => m.value)).toEqual([
        'NaN',
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
      ]);
    });

    it('updates, tags, logs dataset inputs, deletes and restores a run', async () => {
      const experimentId = await newExperiment('lifecycle');
      const run = await client.runs.create({ experiment_id: experimentId });
      const runId = run.info.run_id;
      const endTime = Date.now();
      const info = await client.runs.update({
        run_id: runId,
        status: 'FINISHED',
        end_time: endTime,
        run_name: 'done',
      });
      expect(info).toMatchObject({
        run_id: runId,
        status: 'FINISHED',
        end_time: endTime,
        run_name: 'done',
      });

      await client.runs.setTag(runId, 'owner', 'team-a');
      await client.runs.logInputs({
        run_id: runId,
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: {
              name: 'wiki-qa',
              digest: 'abc123',
              source_type: 'local',
              source: JSON.stringify({ uri: '/data/wiki-qa.parquet' }),
            },
          },
        ],
      });
      const fetched = await client.runs.get(runId);
      expect(fetched.data?.tags).toContainEqual({
        key: 'owner',
        value: 'team-a',
      });
      expect(fetched.inputs?.dataset_inputs).toEqual([
        expect.objectContaining({
          dataset: expect.objectContaining({
            name: 'wiki-qa',
            digest: 'abc123',
          }),
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
        }),
      ]);

      await client.runs.delete(runId);
      expect((await client.runs.get(runId)).info.lifecycle_stage).toBe(
        'deleted',
      );
      await client.runs.restore(runId);
      expect((await client.runs.get(runId)).info.lifecycle_stage).toBe(
        'active',
      );
    });

    it('searches runs by metric and param, ordered by a metric', async () => {
      const experimentId = await newExperiment('search-runs');
      await newRunWith(experimentId, 'a', 0.9, '0.01');
      await newRunWith(experimentId, 'b', 0.7, '0.01');
      await newRunWith(experimentId, 'c', 0.3, '0.01');
      await newRunWith(experimentId, 'd', 0.95, '0.1');

      const request = {
        experiment_ids: [experimentId],
        filter: "metrics.acc > 0.5 and params.lr = '0.01'",
        order_by: ['metrics.acc DESC'],
      };
      const result = await client.runs.search(request);
      expect(result.runs.map(r => r.info.run_name)).toEqual(['a', 'b']);
      expect(result.nextPageToken).toBeUndefined();

      const first = await client.runs.search({ ...request, max_results: 1 });
      expect(first.runs.map(r => r.info.run_name)).toEqual(['a']);
      expect(first.nextPageToken).toEqual(expect.any(String));
      const second = await client.runs.search({
        ...request,
        max_results: 1,
        page_token: first.nextPageToken,
      });
      expect(second.runs.map(r => r.info.run_name)).toEqual(['b']);

      const ascending = await client.runs.search({
        ...request,
        order_by: ['metrics.acc ASC'],
      });
      expect(ascending.runs.map(r => r.info.run_name)).toEqual(['b', 'a']);
    });
  });

  describe('model registry', () => {
    it('registers two versions from runs and resolves the champion alias', async () => {
      const experimentId = await newExperiment('registry');
      const run1 = await newRunWith(experimentId, 'v1', 0.8, '0.01');
      const run2 = await newRunWith(experimentId, 'v2', 0.9, '0.01');
      const name = `${prefix}-model`;

      const model = await client.registeredModels.create({
        name,
        description: 'test model',
        tags: [{ key: 'task', value: 'qa' }],
      });
      expect(model).toMatchObject({ name, description: 'test model' });

      const versions = [];
      for (const run of [run1, run2]) {
        versions.push(
          await client.modelVersions.create({
            name,
            source: `runs:/${run.info.run_id}/model`,
            run_id: run.info.run_id,
            tags: [{ key: 'from', value: run.info.run_name! }],
          }),
        );
      }
      expect(versions.map(v => [v.version, v.run_id, v.status])).toEqual([
        ['1', run1.info.run_id, 'READY'],
        ['2', run2.info.run_id, 'READY'],
      ]);

      await client.registeredModels.setAlias(name, 'champion', '2');
      const champion = await client.registeredModels.getByAlias(
        name,
        'champion',
      );
      expect(champion).toMatchObject({
        name,
        version: '2',
        run_id: run2.info.run_id,
        aliases: ['champion'],
        tags: [{ key: 'from', value: 'v2' }],
      });
      expect((await client.registeredModels.get(name)).aliases).toEqual([
        { alias: 'champion', version: '2' },
      ]);

      const found = await client.modelVersions.search({
        filter: `name = '${name}'`,
        order_by: ['version_number ASC'],
      });
      expect(found.modelVersions.map(v => v.version)).toEqual(['1', '2']);
      const byRun = await client.modelVersions.search({
        filter: `run_id = '${run1.info.run_id}'`,
      });
      expect(byRun.modelVersions.map(v => v.version)).toEqual(['1']);

      const models = await client.registeredModels.search({
        filter: `name LIKE '${prefix}-%'`,
        order_by: ['name ASC'],
      });
      expect(models.registeredModels.map(m => m.name)).toEqual([name]);

      await client.modelVersions.setTag(name, '1', 'validated', 'true');
      const updated = await client.modelVersions.update({
        name,
        version: '1',
        description: 'first try',
      });
      expect(updated.description).toBe('first try');
      expect((await client.modelVersions.get(name, '1')).tags).toContainEqual({
        key: 'validated',
        value: 'true',
      });
      await client.registeredModels.setTag(name, 'stage', 'beta');
      expect((await client.registeredModels.get(name)).tags).toContainEqual({
        key: 'stage',
        value: 'beta',
      });

      // An alias that does not exist is a 400, not a 404.
      await client.registeredModels.deleteAlias(name, 'champion');
      expect(
        await rejection(client.registeredModels.getByAlias(name, 'champion')),
      ).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });

      const renamed = await client.registeredModels.rename(
        name,
        `${name}-renamed`,
      );
      expect(renamed.name).toBe(`${name}-renamed`);
      expect(
        (await client.modelVersions.get(`${name}-renamed`, '2')).run_id,
      ).toBe(run2.info.run_id);

      await client.modelVersions.delete(`${name}-renamed`, '1');
      expect(
        await rejection(client.modelVersions.get(`${name}-renamed`, '1')),
      ).toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
      await client.registeredModels.delete(`${name}-renamed`);
      expect(
        await rejection(client.registeredModels.get(`${name}-renamed`)),
      ).toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    });
  });

  describe('errors', () => {
    it('maps a missing resource to MlflowApiError 404 RESOURCE_DOES_NOT_EXIST without credentials', async () => {
      const withAuth = new MlflowClient({
        baseUrl: baseUrl!,
        auth: { type: 'basic', username: 'alice', password: 'hunter2-secret' },
      });
      const error = await rejection(withAuth.experiments.get('987654321'));
      expect(error).toBeInstanceOf(MlflowApiError);
      expect(error).toMatchObject({
        status: 404,
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
      });
      const message = (error as Error).message;
      expect(message).toContain('/api/2.0/mlflow/experiments/get');
      expect(message).toContain('987654321');
      expect(message).not.toContain('hunter2-secret');
      expect(message).not.toContain(
        Buffer.from('alice:hunter2-secret').toString('base64'),
      );
    });

    it('maps a taken name to 400 RESOURCE_ALREADY_EXISTS', async () => {
      const name = `${prefix}-duplicate`;
      await client.experiments.create({ name });
      expect(
        await rejection(client.experiments.create({ name })),
      ).toMatchObject({ status: 400, errorCode: 'RESOURCE_ALREADY_EXISTS' });
    });
  });

  const describeWithPython =
    existsSync(python) || process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1'
      ? describe
      : describe.skip;

  describeWithPython("MLflow's own Python client", () => {
    it('writes an experiment and a run that MlflowClient finds', async () => {
      const name = `${prefix}-python`;
      const script = [
        'import json, sys, mlflow',
        'experiment_id = mlflow.create_experiment(sys.argv[1])',
        'with mlflow.start_run(experiment_id=experiment_id, run_name="from-python") as run:',
        '    mlflow.log_param("lr", "0.01")',
        '    mlflow.log_metric("acc", 0.875, step=3)',
        'print(json.dumps({"experiment_id": experiment_id, "run_id": run.info.run_id}))',
      ].join('\n');
      const { stdout } = await promisify(execFile)(
        python,
        ['-c', script, name],
        {
          timeout: 50_000,
          env: {
            ...process.env,
            MLFLOW_TRACKING_URI: baseUrl!,
            MLFLOW_DISABLE_TELEMETRY: 'true',
            DO_NOT_TRACK: 'true',
            GIT_PYTHON_REFRESH: 'quiet',
          },
        },
      );
      const written = JSON.parse(stdout.trim().split('\n').pop()!);

      const experiment = await client.experiments.getByName(name);
      expect(experiment.experiment_id).toBe(written.experiment_id);
      const { runs } = await client.runs.search({
        experiment_ids: [experiment.experiment_id],
        filter: "metrics.acc > 0.5 and params.lr = '0.01'",
      });
      expect(runs).toHaveLength(1);
      expect(runs[0].info).toMatchObject({
        run_id: written.run_id,
        run_name: 'from-python',
        status: 'FINISHED',
      });
      expect(runs[0].data?.metrics).toEqual([
        expect.objectContaining({ key: 'acc', value: 0.875, step: 3 }),
      ]);
    });
  });
});

describe('MlflowClient without an answer', () => {
  it('rejects within the timeout when the server never answers', async () => {
    const sockets = new Set<Socket>();
    const server = createServer(socket => {
      sockets.add(socket); // accepts the connection and never writes a byte
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const client = new MlflowClient({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 300,
      });
      const started = Date.now();
      const error = await rejection(client.experiments.get('0'));
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(MlflowRequestError);
      expect(error).toMatchObject({ timedOut: true });
      expect((error as Error).message).toBe(
        'MLflow GET /api/2.0/mlflow/experiments/get timed out after 300 ms',
      );
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      sockets.forEach(socket => socket.destroy());
      await new Promise(done => server.close(done));
    }
  });

  it('reports a refused connection as a request error, not a timeout', async () => {
    const server = createServer();
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await new Promise(done => server.close(done));

    const client = new MlflowClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await rejection(client.runs.get('x'));
    expect(error).toBeInstanceOf(MlflowRequestError);
    expect(error).toMatchObject({ timedOut: false });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('refuses a base URL that carries credentials', () => {
    expect(
      () => new MlflowClient({ baseUrl: 'http://bob:secret@127.0.0.1:1' }),
    ).toThrow(
      'MLflow baseUrl must not contain credentials; use the auth option',
    );
  });
});
