import { TestDatabases } from '@backstage/backend-test-utils';
import { MlflowClient } from '../client';
import {
  describeWithMlflow,
  mlflowUrl,
  uniquePrefix,
} from '../__testUtils__/mlflow';
import { startWithMlflow } from './__testUtils__/llmOpsBackend';

jest.setTimeout(120_000);

/*
 * MLflow's run search has no last-update time, so the incremental sync re-reads runs that are
 * still RUNNING to see their new metrics. Only those started within llmOps.sync.runningRunsWindow
 * (7 days by default): older RUNNING runs are mostly left behind by jobs that died, and there can
 * be thousands of them. The full reconcile still refreshes them.
 */

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const DAY = 24 * 3600_000;

describeWithMlflow('the tracking sync and runs still RUNNING', () => {
  it('re-reads recent RUNNING runs on every pass, older ones on the full reconcile', async () => {
    const prefix = uniquePrefix('running');
    const it = await startWithMlflow({
      databases,
      databaseId: 'SQLITE_3',
      mlflowUrl: mlflowUrl!,
    });
    const client = new MlflowClient({ baseUrl: mlflowUrl! });
    const runIds: string[] = [];
    try {
      const now = Date.now();
      const experiment = await client.experiments.create({ name: prefix });
      for (const [name, startTime] of [
        ['abandoned', now - 30 * DAY],
        ['training', now - DAY],
      ] as const) {
        const run = await client.runs.create({
          experiment_id: experiment,
          run_name: name,
          start_time: startTime,
        });
        runIds.push(run.info.run_id);
      }
      // As a deployment that has synced before: both runs started before its watermark.
      await it.knex('sync_state').insert({
        integration: 'mlflow:it',
        task: 'watermark',
        watermark: now,
      });
      const lossOf = async () =>
        Object.fromEntries(
          (
            (await it.api.get(`/runs?experiment=${prefix}`)).body.data
              .items as Array<{
              name: string;
              metrics: Record<string, { value: number }>;
            }>
          ).map(r => [r.name, r.metrics.loss?.value ?? null]),
        );

      await it.sync();
      expect(await lossOf()).toEqual({ training: null });

      for (const runId of runIds) {
        await client.runs.logBatch({
          run_id: runId,
          metrics: [{ key: 'loss', value: 0.25, timestamp: now, step: 1 }],
        });
      }
      await it.sync();
      expect(await lossOf()).toEqual({ training: 0.25 });

      await it.fullSync();
      expect(await lossOf()).toEqual({ training: 0.25, abandoned: 0.25 });
    } finally {
      await it.stop();
      // Ended, so that other tests' passes on the shared server do not keep re-reading them.
      for (const runId of runIds) {
        await client.runs.update({
          run_id: runId,
          status: 'FINISHED',
          end_time: Date.now(),
        });
      }
    }
  });
});
