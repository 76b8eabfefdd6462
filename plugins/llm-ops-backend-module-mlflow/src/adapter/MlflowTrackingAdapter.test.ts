import type {
  TrackedExperiment,
  TrackedRun,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  closedPort,
  describeWithMlflow,
  describeWithMlflowPython,
  mlflowUrl,
  rejection,
  runMlflowPython,
  silentServer,
  sleep,
  uniquePrefix,
} from '../__testUtils__/mlflow';
import { MlflowApiError, MlflowClient, MlflowRequestError } from '../client';
import { MlflowTrackingAdapter } from './MlflowTrackingAdapter';

jest.setTimeout(60_000);

const prefix = uniquePrefix('tracking');

/** The backend's rule (llm-ops-backend resilience.ts): this must be false for "unavailable". */
function isPermanent(error: unknown): boolean {
  const status = Number((error as { status?: unknown })?.status);
  return (
    Number.isFinite(status) &&
    status >= 400 &&
    status < 500 &&
    status !== 408 &&
    status !== 429
  );
}

describeWithMlflow('MlflowTrackingAdapter against a real MLflow server', () => {
  let client: MlflowClient;
  let adapter: MlflowTrackingAdapter;
  beforeAll(() => {
    client = new MlflowClient({ baseUrl: mlflowUrl!, timeoutMs: 20_000 });
    adapter = new MlflowTrackingAdapter({
      instanceId: 'test',
      client,
      uiBaseUrl: 'https://mlflow.example.com/ui/',
    });
  });

  /** Every experiment the listing offers, across pages. */
  async function listAll(options: {
    updatedSince?: number;
    includeDeleted?: boolean;
  }): Promise<TrackedExperiment[]> {
    const all: TrackedExperiment[] = [];
    let pageToken: string | undefined;
    do {
      const page = await adapter.listExperiments({ ...options, pageToken });
      all.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return all;
  }

  async function newExperiment(name: string): Promise<string> {
    const ref = await adapter.createExperiment({
      llmOpsId: `exp-${name}`,
      name: `${prefix}-${name}`,
    });
    return ref.externalId;
  }

  it('identifies itself', () => {
    expect(adapter.id).toBe('mlflow:test');
    expect(adapter.category).toBe('experiment-tracking');
    expect([...adapter.capabilities].sort()).toEqual([
      'metric-history',
      'search',
      'write',
    ]);
  });

  describe('experiments', () => {
    it('creates an experiment with its llm-ops id, description and tags, and maps it back', async () => {
      const before = Date.now();
      const ref = await adapter.createExperiment({
        llmOpsId: 'exp-mapped',
        name: `${prefix}-mapped`,
        description: 'QA fine-tuning',
        tags: { team: 'nlp', 'llm-ops.id': 'ignored' },
      });
      expect(ref).toEqual({
        externalId: expect.stringMatching(/^\d+$/),
        url: `https://mlflow.example.com/ui/#/experiments/${ref.externalId}`,
      });

      const found = await adapter.findExperimentByName(`${prefix}-mapped`);
      expect(found).toEqual({
        externalId: ref.externalId,
        name: `${prefix}-mapped`,
        description: 'QA fine-tuning',
        lifecycle: 'active',
        // The description lives in mlflow.note.content, which is not a user tag.
        tags: { team: 'nlp', 'llm-ops.id': 'exp-mapped' },
        createdAt: expect.any(Number),
        updatedAt: expect.any(Number),
        url: ref.url,
      });
      expect(found!.createdAt).toBeGreaterThanOrEqual(before - 1000);
      expect(found!.updatedAt).toBeGreaterThanOrEqual(found!.createdAt);
      // MLflow keeps the description where its UI and Python client read it.
      expect(
        (await client.experiments.get(ref.externalId)).tags,
      ).toContainEqual({ key: 'mlflow.note.content', value: 'QA fine-tuning' });

      expect(
        await adapter.findExperimentByName(`${prefix}-no-such-experiment`),
      ).toBeUndefined();
    });

    it('lists experiments updated since a time, most recent first, and deleted ones on request', async () => {
      const older = await newExperiment('older');
      await sleep(20);
      const since = Date.now();
      await sleep(20);
      const newer = await newExperiment('newer');
      const gone = await newExperiment('gone');
      await adapter.deleteExperiment(gone);

      const changed = await listAll({ updatedSince: since });
      const ids = changed.map(e => e.externalId);
      expect(ids).toContain(newer);
      expect(ids).not.toContain(older);
      expect(ids).not.toContain(gone);
      expect(changed.every(e => e.updatedAt > since)).toBe(true);
      const times = changed.map(e => e.updatedAt);
      expect(times).toEqual([...times].sort((a, b) => b - a));

      const withDeleted = await listAll({
        updatedSince: since,
        includeDeleted: true,
      });
      expect(withDeleted.find(e => e.externalId === gone)).toMatchObject({
        name: `${prefix}-gone`,
        lifecycle: 'deleted',
      });

      // Without updatedSince the older one is there too.
      const everything = await listAll({});
      expect(everything.map(e => e.externalId)).toEqual(
        expect.arrayContaining([older, newer]),
      );
    });

    it('renames, describes and tags; a rename counts as an update, an empty tag value deletes', async () => {
      const id = await newExperiment('to-update');
      await adapter.updateExperiment(id, {
        description: 'first',
        tags: { owner: 'team-a', stage: 'dev' },
      });
      await sleep(20);
      const since = Date.now();
      await sleep(20);
      await adapter.updateExperiment(id, {
        name: `${prefix}-updated`,
        description: 'second',
        tags: { stage: '', 'never-set': '' },
      });

      const [updated] = (await listAll({ updatedSince: since })).filter(
        e => e.externalId === id,
      );
      expect(updated).toMatchObject({
        name: `${prefix}-updated`,
        description: 'second',
        tags: { owner: 'team-a', 'llm-ops.id': 'exp-to-update' },
      });
      expect(updated.tags).not.toHaveProperty('stage');

      await adapter.updateExperiment(id, { description: null });
      const cleared = await adapter.findExperimentByName(`${prefix}-updated`);
      expect(cleared).not.toHaveProperty('description');
      expect(cleared!.name).toBe(`${prefix}-updated`);
    });

    it('returns the experiment a replay created, and answers 409 for a name taken otherwise', async () => {
      const first = await adapter.createExperiment({
        llmOpsId: 'exp-replay',
        name: `${prefix}-replay`,
      });
      const replay = await adapter.createExperiment({
        llmOpsId: 'exp-replay',
        name: `${prefix}-replay`,
      });
      expect(replay).toEqual(first);

      const taken = await rejection(
        adapter.createExperiment({
          llmOpsId: 'exp-someone-else',
          name: `${prefix}-replay`,
        }),
      );
      expect(taken).toBeInstanceOf(MlflowApiError);
      expect(taken).toMatchObject({
        status: 409,
        errorCode: 'RESOURCE_ALREADY_EXISTS',
      });
      expect(isPermanent(taken)).toBe(true);

      const other = await newExperiment('rename-clash');
      // MLflow answers this one with 400 BAD_REQUEST and a database error.
      expect(
        await rejection(
          adapter.updateExperiment(other, { name: `${prefix}-replay` }),
        ),
      ).toMatchObject({
        status: 409,
        errorCode: 'RESOURCE_ALREADY_EXISTS',
        message: `MLflow POST /api/2.0/mlflow/experiments/update failed with 409 RESOURCE_ALREADY_EXISTS: Experiment '${prefix}-replay' already exists`,
      });
      // Renaming to its own name is no conflict.
      await adapter.updateExperiment(other, { name: `${prefix}-rename-clash` });
    });

    it('deletes and restores, twice each without error', async () => {
      const id = await newExperiment('lifecycle');
      await adapter.deleteExperiment(id);
      await adapter.deleteExperiment(id);
      expect(
        (await adapter.findExperimentByName(`${prefix}-lifecycle`))!.lifecycle,
      ).toBe('deleted');
      await adapter.restoreExperiment(id);
      await adapter.restoreExperiment(id);
      expect(
        (await adapter.findExperimentByName(`${prefix}-lifecycle`))!.lifecycle,
      ).toBe('active');
    });

    it('answers 404 for an unknown experiment', async () => {
      for (const call of [
        () => adapter.updateExperiment('987654321', { name: `${prefix}-x` }),
        () => adapter.updateExperiment('987654321', { tags: { a: 'b' } }),
        () => adapter.updateExperiment('987654321', { tags: { a: '' } }),
        () => adapter.deleteExperiment('987654321'),
        () => adapter.restoreExperiment('987654321'),
        () =>
          adapter.createRun({
            llmOpsId: 'r',
            experimentExternalId: '987654321',
          }),
      ]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(MlflowApiError);
        expect(error).toMatchObject({
          status: 404,
          errorCode: 'RESOURCE_DOES_NOT_EXIST',
        });
        expect(isPermanent(error)).toBe(true);
      }
    });
  });

  describe('runs', () => {
    it('stamps the llm-ops id on a created run and finds the run by it', async () => {
      const experimentId = await newExperiment('find-run');
      const startTime = Date.now() - 60_000;
      const ref = await adapter.createRun({
        llmOpsId: 'run-42',
        experimentExternalId: experimentId,
        name: 'baseline',
        startTime,
        tags: { owner: 'alice' },
      });
      expect(ref).toEqual({
        externalId: expect.stringMatching(/^[0-9a-f]{32}$/),
        url: `https://mlflow.example.com/ui/#/experiments/${experimentId}/runs/${ref.externalId}`,
      });
      const run = await client.runs.get(ref.externalId);
      expect(run.info).toMatchObject({
        run_name: 'baseline',
        start_time: startTime,
      });
      expect(run.data?.tags).toEqual(
        expect.arrayContaining([
          { key: 'llm-ops.id', value: 'run-42' },
          { key: 'mlflow.runName', value: 'baseline' },
          { key: 'owner', value: 'alice' },
        ]),
      );

      expect(await adapter.findRunByLlmOpsId(experimentId, 'run-42')).toEqual(
        ref,
      );
      expect(
        await adapter.findRunByLlmOpsId(experimentId, 'run-unknown'),
      ).toBeUndefined();
      // A deleted run is still found, so a replay does not create it again.
      await adapter.deleteRun(ref.externalId);
      expect(await adapter.findRunByLlmOpsId(experimentId, 'run-42')).toEqual(
        ref,
      );
      // Ids with a quote still make a valid filter.
      expect(
        await adapter.findRunByLlmOpsId(experimentId, "it's-not-there"),
      ).toBeUndefined();
    });

    it('lists runs with params, tags, latest metrics and status, hiding mlflow.* tags', async () => {
      const experimentId = await newExperiment('list-runs');
      const a = await adapter.createRun({
        llmOpsId: 'run-a',
        experimentExternalId: experimentId,
        name: 'a',
        tags: { owner: 'alice' },
      });
      const b = await adapter.createRun({
        llmOpsId: 'run-b',
        experimentExternalId: experimentId,
        name: 'b',
      });
      const t = Date.now();
      await adapter.logBatch(a.externalId, {
        params: { lr: '0.01', epochs: '3' },
        tags: { dataset: 'wiki' },
        metrics: [
          { key: 'loss', value: 0.9, step: 0, timestamp: t },
          { key: 'loss', value: 0.4, step: 1, timestamp: t + 1 },
          { key: 'acc', value: 0.8, step: 1, timestamp: t + 1 },
        ],
      });
      await adapter.logBatch(b.externalId, { params: { lr: '0.1' } });
      const endTime = Date.now();
      await adapter.updateRun(a.externalId, {
        status: 'FINISHED',
        endTime,
        name: 'a-final',
        tags: { owner: '', reviewed: 'yes' },
      });
      await adapter.updateRun(b.externalId, { status: 'FAILED' });

      const page = await adapter.listRuns({
        experimentExternalIds: [experimentId],
        filter: "params.lr = '0.01'",
      });
      expect(page.nextPageToken).toBeUndefined();
      expect(page.items).toEqual([
        {
          externalId: a.externalId,
          experimentExternalId: experimentId,
          name: 'a-final',
          status: 'FINISHED',
          startTime: expect.any(Number),
          endTime,
          lifecycle: 'active',
          params: { lr: '0.01', epochs: '3' },
          tags: { 'llm-ops.id': 'run-a', dataset: 'wiki', reviewed: 'yes' },
          metrics: {
            loss: { value: 0.4, step: 1, timestamp: t + 1 },
            acc: { value: 0.8, step: 1, timestamp: t + 1 },
          },
          datasetInputs: [],
          url: a.url,
        } satisfies TrackedRun,
      ]);

      const all = await adapter.listRuns({
        experimentExternalIds: [experimentId],
      });
      expect(all.items.map(r => [r.name, r.status]).sort()).toEqual([
        ['a-final', 'FINISHED'],
        ['b', 'FAILED'],
      ]);

      await adapter.deleteRun(b.externalId);
      await adapter.deleteRun(b.externalId);
      expect(
        (
          await adapter.listRuns({ experimentExternalIds: [experimentId] })
        ).items.map(r => r.name),
      ).toEqual(['a-final']);
      const withDeleted = await adapter.listRuns({
        experimentExternalIds: [experimentId],
        includeDeleted: true,
      });
      expect(withDeleted.items.find(r => r.name === 'b')?.lifecycle).toBe(
        'deleted',
      );
      await adapter.restoreRun(b.externalId);

      expect(await adapter.listRuns({ experimentExternalIds: [] })).toEqual({
        items: [],
      });
      expect(
        await rejection(
          adapter.listRuns({
            experimentExternalIds: [experimentId],
            filter: 'params.lr ~~ nonsense',
          }),
        ),
      ).toMatchObject({ status: 400 });
    });

    it('logs the same batch twice and keeps each metric point once', async () => {
      const experimentId = await newExperiment('replay-batch');
      const run = await adapter.createRun({
        llmOpsId: 'run-replay',
        experimentExternalId: experimentId,
      });
      const t = Date.now();
      const metrics = Array.from({ length: 1500 }, (_, i) => ({
        key: 'loss',
        value: 1 / (i + 1),
        step: i,
        timestamp: t + i,
      }));
      const batch = { metrics, params: { lr: '0.01' }, tags: { k: 'v' } };
      await adapter.logBatch(run.externalId, batch);
      await adapter.logBatch(run.externalId, batch);

      const points = [];
      let pageToken: string | undefined;
      do {
        const page = await adapter.getMetricHistory(
          run.externalId,
          'loss',
          pageToken,
        );
        points.push(...page.items);
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(points).toEqual(metrics);

      // A changed param value is a permanent error, not an outage.
      const changed = await rejection(
        adapter.logBatch(run.externalId, { params: { lr: '0.5' } }),
      );
      expect(changed).toMatchObject({ status: 400 });
      // MLflow itself answers an unknown run's history with an empty list.
      expect(
        await rejection(adapter.getMetricHistory('0123456789abcdef', 'loss')),
      ).toMatchObject({ status: 404 });
      expect(
        await adapter.getMetricHistory(run.externalId, 'never-logged'),
      ).toEqual({ items: [] });
    });

    it('maps dataset inputs logged through the client', async () => {
      const experimentId = await newExperiment('datasets');
      const run = await adapter.createRun({
        llmOpsId: 'run-ds',
        experimentExternalId: experimentId,
      });
      const source = JSON.stringify({ uri: 's3://bucket/wiki-qa.parquet' });
      await client.runs.logInputs({
        run_id: run.externalId,
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: {
              name: 'wiki-qa',
              digest: 'abc123',
              source_type: 's3',
              source,
            },
          },
        ],
      });
      const { items } = await adapter.listRuns({
        experimentExternalIds: [experimentId],
      });
      expect(items[0].datasetInputs).toEqual([
        { name: 'wiki-qa', digest: 'abc123', source },
      ]);
    });
  });

  describeWithMlflowPython(
    "with runs written by MLflow's Python client",
    () => {
      it('maps the run, hiding the tags MLflow adds, and its dataset input', async () => {
        const name = `${prefix}-python`;
        const script = [
          'import json, sys, mlflow, pandas as pd',
          'experiment_id = mlflow.create_experiment(sys.argv[1])',
          'df = pd.DataFrame({"q": ["a", "b"], "a": ["x", "y"]})',
          'ds = mlflow.data.from_pandas(df, source="https://data.example.com/qa.parquet", name="qa-eval")',
          'with mlflow.start_run(experiment_id=experiment_id, run_name="from-python") as run:',
          '    mlflow.log_input(ds, context="evaluation")',
          '    mlflow.log_param("lr", "0.01")',
          '    mlflow.log_metric("acc", 0.875, step=3)',
          '    mlflow.set_tag("team", "nlp")',
          '    mlflow.set_tag("mlflow.note.content", "a note")',
          'print(json.dumps({"experiment_id": experiment_id, "run_id": run.info.run_id, "digest": ds.digest}))',
        ].join('\n');
        const written = await runMlflowPython(script, [name]);

        const experiment = await adapter.findExperimentByName(name);
        expect(experiment?.externalId).toBe(written.experiment_id);
        const { items } = await adapter.listRuns({
          experimentExternalIds: [written.experiment_id],
        });
        expect(items).toEqual([
          expect.objectContaining({
            externalId: written.run_id,
            name: 'from-python',
            status: 'FINISHED',
            params: { lr: '0.01' },
            // mlflow.user, mlflow.source.*, mlflow.runName and the note are MLflow's, not the user's.
            tags: { team: 'nlp' },
            metrics: {
              acc: { value: 0.875, step: 3, timestamp: expect.any(Number) },
            },
            datasetInputs: [
              {
                name: 'qa-eval',
                digest: written.digest,
                source: expect.any(String),
              },
            ],
          }),
        ]);
        // MLflow's own JSON description of where the data came from, passed through as it is.
        expect(JSON.parse(items[0].datasetInputs[0].source!)).toEqual({
          url: 'https://data.example.com/qa.parquet',
        });
        expect(items[0].startTime).toEqual(expect.any(Number));
        expect(items[0].endTime).toBeGreaterThanOrEqual(items[0].startTime!);
      });
    },
  );

  describe('health', () => {
    it('reports up with the latency', async () => {
      const health = await adapter.checkHealth();
      expect(health).toEqual({
        state: 'up',
        latencyMs: expect.any(Number),
        lastSuccessAt: expect.any(String),
      });
      expect(Date.parse(health.lastSuccessAt!)).toBeLessThanOrEqual(Date.now());
    });

    it('reports down when the server stops answering, keeping the last success', async () => {
      // Switches the real server off at the network level; MLflow's answers stay real.
      let reachable = true;
      const switchable = new MlflowTrackingAdapter({
        instanceId: 'switchable',
        client: new MlflowClient({
          baseUrl: mlflowUrl!,
          fetch: (input, init) =>
            reachable
              ? fetch(input, init)
              : Promise.reject(new TypeError('fetch failed')),
        }),
        uiBaseUrl: mlflowUrl!,
      });
      const up = await switchable.checkHealth();
      expect(up.state).toBe('up');
      reachable = false;
      expect(await switchable.checkHealth()).toEqual({
        state: 'down',
        lastError: 'MLflow GET /health could not be sent: fetch failed',
        lastSuccessAt: up.lastSuccessAt,
      });
    });
  });
});

describe('MlflowTrackingAdapter without a server', () => {
  function adapterFor(baseUrl: string, timeoutMs = 300) {
    return new MlflowTrackingAdapter({
      instanceId: 'gone',
      client: new MlflowClient({
        baseUrl,
        timeoutMs,
        auth: { type: 'bearer', token: 'very-secret-token' },
      }),
      uiBaseUrl: baseUrl,
    });
  }

  it('fails a stopped server quickly with an error that counts as unavailable', async () => {
    const adapter = adapterFor(`http://127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    const error = await rejection(adapter.listExperiments({}));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(MlflowRequestError);
    expect(error.status).toBeUndefined();
    expect(isPermanent(error)).toBe(false);
    expect(error.message).not.toContain('very-secret-token');
  });

  it('fails a hung server within the timeout with an error that counts as unavailable', async () => {
    const server = await silentServer();
    try {
      const adapter = adapterFor(server.url, 300);
      const started = Date.now();
      const error = await rejection(
        adapter.createExperiment({ llmOpsId: 'x', name: 'x' }),
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2_000);
      expect(error).toMatchObject({ timedOut: true });
      expect(isPermanent(error)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('reports down, without secrets', async () => {
    const adapter = adapterFor(`http://127.0.0.1:${await closedPort()}`);
    const health = await adapter.checkHealth();
    expect(health).toEqual({
      state: 'down',
      lastError: expect.stringContaining(
        'MLflow GET /health could not be sent',
      ),
    });
    expect(health.lastError).not.toContain('very-secret-token');

    const hung = await silentServer();
    try {
      const timedOut = await adapterFor(hung.url, 200).checkHealth();
      expect(timedOut).toEqual({
        state: 'down',
        lastError: 'MLflow GET /health timed out after 200 ms',
      });
    } finally {
      await hung.close();
    }
  });
});
