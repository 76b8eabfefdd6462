import { TestDatabases } from '@backstage/backend-test-utils';
import { MlflowClient } from '../client';
import {
  describeWithMlflowPython,
  mlflowUrl,
  runMlflowPython,
  uniquePrefix,
} from '../__testUtils__/mlflow';
import { startWithMlflow } from './__testUtils__/llmOpsBackend';

// Generous: MLflow's Python client starts slowly and 1,100 runs are written, on 2 cores.
jest.setTimeout(900_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
  disableDocker: true,
});

describeWithMlflowPython('llm-ops with a real MLflow server', () => {
  const mlflow = () => new MlflowClient({ baseUrl: mlflowUrl! });

  it.each(databases.eachSupportedId())(
    'round-trips both ways on %s',
    async databaseId => {
      const prefix = uniquePrefix(`rt-${databaseId.toLowerCase()}`);
      const it = await startWithMlflow({
        databases,
        databaseId: databaseId as any,
        mlflowUrl: mlflowUrl!,
      });
      try {
        // MLflow's own Python client writes; the sync brings it into llm-ops.
        const made = await runMlflowPython(
          [
            'import json, sys, mlflow',
            'from mlflow import MlflowClient',
            'c = MlflowClient()',
            'eid = c.create_experiment(sys.argv[1], tags={"team": "nlp"})',
            'r = c.create_run(eid, run_name="from-python")',
            'c.log_param(r.info.run_id, "lr", "0.01")',
            'for s in range(5): c.log_metric(r.info.run_id, "accuracy", 0.5 + s / 10, step=s)',
            'c.set_terminated(r.info.run_id, "FINISHED")',
            'mv_model = sys.argv[1] + "-model"',
            'c.create_registered_model(mv_model)',
            'mv = c.create_model_version(mv_model, f"runs:/{r.info.run_id}/model", run_id=r.info.run_id)',
            'c.set_registered_model_alias(mv_model, "champion", mv.version)',
            'print(json.dumps({"experiment": eid, "run": r.info.run_id}))',
          ].join('\n'),
          [prefix],
        );
        await it.sync();
        const experiment = (await it.api.get(`/experiments/${prefix}`)).body
          .data;
        expect(experiment).toMatchObject({
          name: prefix,
          tags: { team: 'nlp' },
          source: { integration: 'mlflow:it', externalId: made.experiment },
        });
        expect(experiment.source.url).toContain(
          `/#/experiments/${made.experiment}`,
        );
        const runs = (await it.api.get(`/runs?experiment=${prefix}`)).body.data
          .items;
        expect(runs).toHaveLength(1);
        expect(runs[0]).toMatchObject({
          name: 'from-python',
          status: 'FINISHED',
          params: { lr: '0.01' },
          metrics: { accuracy: { value: 0.9, step: 4 } },
          source: { externalId: made.run },
        });
        const model = (await it.api.get(`/models/${prefix}-model`)).body.data;
        expect(model.aliases).toEqual({ champion: '1' });
        const version = (
          await it.api.get(`/models/${prefix}-model/aliases/champion`)
        ).body.data;
        expect(version.sourceRunId).toBe(runs[0].id);

        // Writes through /llm-ops/v1 go to MLflow first.
        const created = await it.api.post('/experiments', {
          name: `${prefix}-api`,
          tags: { stage: 'dev' },
        });
        expect(created.status).toBe(201);
        expect(created.body.data.source.integration).toBe('mlflow:it');
        const inMlflow = await mlflow().experiments.getByName(`${prefix}-api`);
        expect(inMlflow.tags?.find(t => t.key === 'llm-ops.id')?.value).toBe(
          created.body.data.id,
        );
        const run = await it.api.post('/runs', {
          experimentId: `${prefix}-api`,
          name: 'api-run',
          params: { lr: '0.1' },
        });
        expect(run.status).toBe(201);
        const points = Array.from({ length: 1500 }, (_, step) => ({
          key: 'loss',
          value: 1 / (step + 1),
          step,
          timestamp: 1_700_000_000_000 + step,
        }));
        expect(
          (
            await it.api.post(`/runs/${run.body.data.id}/batch`, {
              metrics: points,
            })
          ).status,
        ).toBe(200);
        const mlflowRun = await mlflow().runs.get(
          run.body.data.source.externalId,
        );
        expect(mlflowRun.data?.params?.find(p => p.key === 'lr')?.value).toBe(
          '0.1',
        );
        const history = await mlflow().runs.getMetricHistory({
          run_id: run.body.data.source.externalId,
          metric_key: 'loss',
          max_results: 5000,
        });
        expect(history.metrics).toHaveLength(1500);

        // A rename in llm-ops reaches MLflow; a rename in MLflow reaches llm-ops.
        expect(
          (
            await it.api.patch(`/experiments/${prefix}-api`, {
              name: `${prefix}-renamed`,
            })
          ).status,
        ).toBe(200);
        expect(
          (await mlflow().experiments.get(inMlflow.experiment_id)).name,
        ).toBe(`${prefix}-renamed`);
        await mlflow().experiments.update(
          made.experiment,
          `${prefix}-renamed-in-mlflow`,
        );
        await it.sync();
        expect(
          (await it.api.get(`/experiments/${experiment.id}`)).body.data.name,
        ).toBe(`${prefix}-renamed-in-mlflow`);

        // A deletion in MLflow reaches llm-ops.
        await mlflow().runs.delete(made.run);
        await it.fullSync();
        expect(
          (await it.api.get(`/runs/${runs[0].id}`)).body.data.lifecycle,
        ).toBe('deleted');
      } finally {
        await it.stop();
      }
    },
  );

  it('searches more than 1,000 synced runs with a filter, page by page', async () => {
    const prefix = uniquePrefix('many');
    // 1,100 runs written straight to MLflow (8 at a time), the way a sweep would log them.
    const client = mlflow();
    const experimentId = await client.experiments.create({ name: prefix });
    const now = Date.now();
    const indexes = Array.from({ length: 1100 }, (_, i) => i);
    for (let i = 0; i < indexes.length; i += 8) {
      await Promise.all(
        indexes.slice(i, i + 8).map(async n => {
          const created = await client.runs.create({
            experiment_id: experimentId,
            run_name: `run-${n}`,
            start_time: now,
          });
          await client.runs.logBatch({
            run_id: created.info.run_id,
            metrics: [{ key: 'acc', value: n / 1100, timestamp: now, step: 0 }],
            params: [{ key: 'lr', value: n % 2 ? '0.01' : '0.1' }],
          });
        }),
      );
    }
    const made = { experiment: experimentId };
    expect(made.experiment).toBeTruthy();
    const it = await startWithMlflow({
      databases,
      databaseId: 'POSTGRES_15',
      mlflowUrl: mlflowUrl!,
    });
    try {
      await it.sync();
      const ids = new Set<string>();
      let cursor: string | null = null;
      let previous = Infinity;
      do {
        const page: any = await it.api.post('/runs/search', {
          experimentIds: [prefix],
          filter: "metrics.acc >= 0.5 and params.lr = '0.01'",
          orderBy: ['metrics.acc DESC'],
          pageSize: 100,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.status).toBe(200);
        for (const r of page.body.data.items) {
          expect(r.metrics.acc.value).toBeLessThanOrEqual(previous);
          previous = r.metrics.acc.value;
          ids.add(r.id);
        }
        cursor = page.body.data.nextCursor;
      } while (cursor);
      // Odd i from 550 to 1099 have lr 0.01 and acc >= 0.5: 275 runs.
      expect(ids.size).toBe(275);
    } finally {
      await it.stop();
    }
  });
});
