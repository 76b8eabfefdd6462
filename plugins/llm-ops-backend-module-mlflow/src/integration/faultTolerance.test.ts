import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { TestDatabases } from '@backstage/backend-test-utils';
import { MlflowClient } from '../client';
import { describeWithMlflow, uniquePrefix } from '../__testUtils__/mlflow';
import { startWithMlflow } from './__testUtils__/llmOpsBackend';

// Generous: MLflow restarts twice, and CI machines are small.
jest.setTimeout(900_000);

/*
 * The outage drill: under a steady write load through /llm-ops/v1, MLflow is killed, writes go
 * on, the backend restarts, MLflow comes back. Afterwards every accepted write must be in MLflow
 * exactly once and no read may have failed. This uses an MLflow instance of its own (port and
 * folder), since it is killed on purpose.
 */

const databases = TestDatabases.create({
  ids: ['POSTGRES_15'],
  disableDocker: true,
});
const script = resolve(__dirname, '../../../../scripts/services/mlflow.sh');
const port = String(Number(process.env.LLM_OPS_FAULT_MLFLOW_PORT ?? 55011));
const env = {
  ...process.env,
  LLM_OPS_MLFLOW_PORT: port,
  LLM_OPS_MLFLOW_DIR: resolve(
    __dirname,
    '../../../../.tools/services/mlflow-fault',
  ),
};
const mlflowService = async (command: 'start' | 'stop') =>
  (
    await promisify(execFile)('bash', [script, command], {
      env,
      timeout: 300_000,
    })
  ).stdout.trim();

const POINTS_PER_BATCH = 20;

describeWithMlflow('llm-ops when MLflow goes down', () => {
  afterAll(async () => {
    await mlflowService('stop');
  });

  it.each(databases.eachSupportedId())(
    'keeps every accepted write exactly once across an outage and a backend restart (%s)',
    async databaseId => {
      const url = await mlflowService('start');
      const knex = await databases.init(databaseId);
      const prefix = uniquePrefix('fault');
      let it = await startWithMlflow({
        databases,
        databaseId: databaseId as any,
        mlflowUrl: url,
        knex,
      });

      const accepted: Array<{ runId: string; points: number; status: number }> =
        [];
      const reads = { ok: 0, failed: 0 };
      let writing = true;
      // While this test's single backend instance restarts nothing can answer (a deployment has
      // other replicas); the drill is about reads during the MLflow outage, so it pauses then.
      let restarting = false;
      const readLoop = (async () => {
        while (writing) {
          if (restarting) {
            await new Promise(r => setTimeout(r, 50));
            continue;
          }
          const res = await it.api
            .get(`/runs?experiment=${prefix}&pageSize=50`)
            .catch(() => undefined);
          if (res?.status === 200 || res?.status === 404) reads.ok++;
          else reads.failed++;
          await new Promise(r => setTimeout(r, 50));
        }
      })();

      const write = async (i: number) => {
        const run = await it.api.post('/runs', {
          experimentId: prefix,
          name: `load-${i}`,
          params: { i: String(i) },
        });
        expect([201, 202]).toContain(run.status);
        const runId = run.body.data.resource?.id ?? run.body.data.id;
        const metrics = Array.from({ length: POINTS_PER_BATCH }, (_, step) => ({
          key: 'loss',
          value: i + step / 100,
          step,
          timestamp: 1_700_000_000_000 + step,
        }));
        const batch = await it.api.post(`/runs/${runId}/batch`, { metrics });
        expect([200, 202]).toContain(batch.status);
        accepted.push({ runId, points: POINTS_PER_BATCH, status: run.status });
      };

      expect((await it.api.post('/experiments', { name: prefix })).status).toBe(
        201,
      );
      let i = 0;
      for (; i < 10; i++) await write(i); // MLflow up
      await mlflowService('stop'); // the outage
      for (; i < 20; i++) await write(i);
      restarting = true;
      await it.stop(); // the backend restarts mid-outage: the outbox is durable
      it = await startWithMlflow({
        databases,
        databaseId: databaseId as any,
        mlflowUrl: url,
        knex,
      });
      restarting = false;
      for (; i < 30; i++) await write(i);
      const queuedBefore = Number(
        (await knex('outbox').where({ state: 'pending' }).count({ n: '*' }))[0]
          .n,
      );
      await mlflowService('start'); // MLflow is back
      for (; i < 35; i++) await write(i); // still queued behind the outbox, in order
      for (let pass = 0; pass < 20; pass++) {
        await it.relay();
        const pending = Number(
          (
            await knex('outbox').where({ state: 'pending' }).count({ n: '*' })
          )[0].n,
        );
        if (pending === 0) break;
        await new Promise(r => setTimeout(r, 500));
      }
      writing = false;
      await readLoop;

      const failed = await knex('outbox')
        .where({ state: 'failed' })
        .select('operation', 'last_error');
      const pending = Number(
        (await knex('outbox').where({ state: 'pending' }).count({ n: '*' }))[0]
          .n,
      );
      // Every accepted run is in MLflow exactly once, with all its points once.
      const client = new MlflowClient({ baseUrl: url });
      const experiment = await client.experiments.getByName(prefix);
      const mlflowRuns: Array<{
        info: { run_id: string };
        data?: { tags?: Array<{ key: string; value: string }> };
      }> = [];
      let token: string | undefined;
      do {
        const page = await client.runs.search({
          experiment_ids: [experiment.experiment_id],
          max_results: 1000,
          page_token: token,
        });
        mlflowRuns.push(...(page.runs ?? []));
        token = page.nextPageToken;
      } while (token);
      const byLlmOpsId = new Map<string, string[]>();
      for (const r of mlflowRuns) {
        const id =
          r.data?.tags?.find(t => t.key === 'llm-ops.id')?.value ?? '?';
        byLlmOpsId.set(id, [...(byLlmOpsId.get(id) ?? []), r.info.run_id]);
      }
      let missing = 0;
      let duplicated = 0;
      let wrongPointCounts = 0;
      for (const a of accepted) {
        const found = byLlmOpsId.get(a.runId) ?? [];
        if (found.length === 0) missing++;
        if (found.length > 1) duplicated++;
        if (found.length === 1) {
          const history = await client.runs.getMetricHistory({
            run_id: found[0],
            metric_key: 'loss',
            max_results: 1000,
          });
          if ((history.metrics ?? []).length !== a.points) wrongPointCounts++;
        }
      }
      const summary = {
        accepted: accepted.length,
        acceptedImmediately: accepted.filter(a => a.status === 201).length,
        acceptedQueued: accepted.filter(a => a.status === 202).length,
        queuedAtRestart: queuedBefore,
        inMlflow: mlflowRuns.length,
        missing,
        duplicated,
        wrongPointCounts,
        outboxPending: pending,
        outboxFailed: failed.length,
        readsOk: reads.ok,
        readsFailed: reads.failed,
      };
      // The counts of the drill, for the record.
      process.stdout.write(`fault drill: ${JSON.stringify(summary)}\n`);
      expect(failed).toEqual([]);
      expect(summary).toMatchObject({
        missing: 0,
        duplicated: 0,
        wrongPointCounts: 0,
        outboxPending: 0,
        readsFailed: 0,
      });
      expect(summary.acceptedQueued).toBeGreaterThanOrEqual(20);
      expect(summary.inMlflow).toBe(35);
      await it.stop();
    },
  );
});
