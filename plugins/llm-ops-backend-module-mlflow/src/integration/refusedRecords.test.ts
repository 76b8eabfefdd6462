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
 * A record the llm-ops store cannot hold must not stop the sync. Such a record used to end the
 * whole pass on every cycle, so no run read after it ever reached llm-ops: on the long-lived
 * shared server the round-trip test's run was one of them (a run whose latest loss was NaN, on
 * SQLite). MLflow accepts run names longer than the store's 255 characters, which PostgreSQL
 * refuses; SQLite does not check lengths, and has no NaN, so there a NaN metric is left out of
 * the run's latest values instead.
 */

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
  disableDocker: true,
});

describeWithMlflow(
  'the tracking sync and records the store cannot hold',
  () => {
    const mlflow = () => new MlflowClient({ baseUrl: mlflowUrl! });

    // As a deployment that has synced before: the watermark is that of its last pass, so a pass
    // reads what changed since, not every experiment and run on the shared server.
    const start = async (databaseId: 'POSTGRES_15' | 'SQLITE_3') => {
      const it = await startWithMlflow({
        databases,
        databaseId,
        mlflowUrl: mlflowUrl!,
      });
      await it.knex('sync_state').insert({
        integration: 'mlflow:it',
        task: 'watermark',
        watermark: Date.now(),
      });
      return it;
    };
    const runsOf = async (
      it: Awaited<ReturnType<typeof start>>,
      experiment: string,
    ) =>
      (await it.api.get(`/runs?experiment=${experiment}`)).body.data
        .items as Array<{
        name: string;
        metrics: Record<string, unknown>;
      }>;

    it('skips and reports a run the store refuses, and syncs the runs read after it', async () => {
      const prefix = uniquePrefix('refused');
      const it = await start('POSTGRES_15');
      const client = mlflow();
      let refusedRunId: string | undefined;
      try {
        const now = Date.now();
        const first = await client.experiments.create({ name: `${prefix}-a` });
        const other = await client.experiments.create({ name: `${prefix}-b` });
        // MLflow lists runs newest start first, so the refused run is read before the others.
        const refused = await client.runs.create({
          experiment_id: first,
          run_name: `long-${'x'.repeat(300)}`,
          start_time: now + 60_000,
        });
        refusedRunId = refused.info.run_id;
        await client.runs.create({
          experiment_id: first,
          run_name: 'same-experiment',
          start_time: now,
        });
        await client.runs.create({
          experiment_id: other,
          run_name: 'other-experiment',
          start_time: now,
        });

        await it.sync();

        const names = async (experiment: string) =>
          (await runsOf(it, experiment)).map(r => r.name);
        expect(await names(`${prefix}-a`)).toEqual(['same-experiment']);
        expect(await names(`${prefix}-b`)).toEqual(['other-experiment']);
        const state = await it
          .knex('sync_state')
          .where({ integration: 'mlflow:it', task: 'incremental' })
          .first('last_success_at', 'last_error');
        expect(state.last_success_at).not.toBeNull();
        expect(state.last_error).toContain(
          'could not be stored and were skipped',
        );
        expect(state.last_error).toContain(`run ${refusedRunId}`);
        // The database's reason, without the statement and the values knex puts in front of it.
        expect(state.last_error).toContain('too long');
        expect(state.last_error).not.toContain('insert into');
        expect(state.last_error).not.toContain('xxxxxxxxxx');
      } finally {
        await it.stop();
        // A short name makes the run storable again, so that it does not stay on the shared
        // server as a record every later PostgreSQL sync has to skip.
        if (refusedRunId) {
          await client.runs.update({
            run_id: refusedRunId,
            run_name: 'renamed',
          });
        }
      }
    });

    it('skips and reports a registered model the store refuses, and syncs the others', async () => {
      const prefix = uniquePrefix('refused-model');
      const it = await start('POSTGRES_15');
      const client = mlflow();
      const longName = `${prefix}-${'x'.repeat(300)}`;
      try {
        await client.registeredModels.create({ name: longName });
        await client.registeredModels.create({ name: `${prefix}-ok` });

        await it.sync();

        const ok = await it.api.get(`/models/${prefix}-ok`);
        expect(ok.status).toBe(200);
        const state = await it
          .knex('sync_state')
          .where({ integration: 'mlflow:it', task: 'registry-watermark' })
          .first('last_success_at', 'last_error');
        expect(state.last_success_at).not.toBeNull();
        expect(state.last_error).toContain(
          'could not be stored and were skipped',
        );
        expect(state.last_error).toContain(`model ${prefix}-x`);
        expect(state.last_error).toContain('too long');
        expect(state.last_error).not.toContain('insert into');
      } finally {
        await it.stop();
        // Gone from the shared server, so that later PostgreSQL syncs need not skip it.
        await client.registeredModels.delete(longName);
        await client.registeredModels.delete(`${prefix}-ok`);
      }
    });

    it('keeps the other versions of a model when the store refuses one of them', async () => {
      const prefix = uniquePrefix('refused-version');
      const name = `${prefix}-model`;
      const it = await start('POSTGRES_15');
      const client = mlflow();
      try {
        await client.registeredModels.create({ name });
        // MLflow stores a NUL byte in a description; PostgreSQL refuses it in text.
        const createdAt: Record<string, number | undefined> = {};
        for (const description of ['first', 'bad\u0000description', 'third']) {
          const created = await client.modelVersions.create({
            name,
            source: 's3://models/m',
            description,
          });
          createdAt[created.version] = Number(created.creation_timestamp);
        }
        await client.registeredModels.setAlias(name, 'champion', '3');
        await client.registeredModels.setAlias(name, 'broken', '2');

        await it.sync();

        const versions = (await it.api.get(`/models/${name}/versions`)).body
          .data.items as Array<{
          version: string;
          description: string;
          createdAt: string;
        }>;
        expect(versions.map(v => [v.version, v.description]).sort()).toEqual([
          ['1', 'first'],
          ['3', 'third'],
        ]);
        // A synced version was made when MLflow made it, not when it was synced.
        for (const v of versions) {
          expect(Date.parse(v.createdAt)).toBe(createdAt[v.version]);
        }
        const champion = await it.api.get(`/models/${name}/aliases/champion`);
        expect(champion.body.data.version).toBe('3');
        // The refused version's alias is left out with it.
        expect(
          (await it.api.get(`/models/${name}/aliases/broken`)).status,
        ).toBe(404);
        const state = await it
          .knex('sync_state')
          .where({ integration: 'mlflow:it', task: 'registry-watermark' })
          .first('last_error');
        expect(state.last_error).toContain(`model-version ${name}/2`);
        expect(state.last_error).not.toContain('insert into');
      } finally {
        await it.stop();
        await client.registeredModels.delete(name);
      }
    });

    it('keeps a run whose latest loss is NaN on SQLite, without that metric', async () => {
      const prefix = uniquePrefix('nan');
      const it = await start('SQLITE_3');
      const client = mlflow();
      try {
        const now = Date.now();
        const experiment = await client.experiments.create({ name: prefix });
        const diverged = await client.runs.create({
          experiment_id: experiment,
          run_name: 'nan-loss',
          start_time: now,
        });
        await client.runs.logBatch({
          run_id: diverged.info.run_id,
          metrics: [
            { key: 'loss', value: NaN, timestamp: now, step: 1 },
            { key: 'accuracy', value: 0.5, timestamp: now, step: 1 },
          ],
        });

        await it.sync();

        const runs = await runsOf(it, prefix);
        expect(runs.map(r => r.name)).toEqual(['nan-loss']);
        expect(Object.keys(runs[0].metrics)).toEqual(['accuracy']);
        const state = await it
          .knex('sync_state')
          .where({ integration: 'mlflow:it', task: 'incremental' })
          .first('last_error');
        expect(state.last_error ?? '').not.toContain(diverged.info.run_id);
      } finally {
        await it.stop();
      }
    });
  },
);
