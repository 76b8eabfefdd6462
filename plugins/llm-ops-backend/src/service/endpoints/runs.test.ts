import { randomUUID } from 'node:crypto';
import { createTestDatabases } from '../../__testUtils__/realServices';
import { startLlmOpsBackend } from '../../__testUtils__/testBackend';
import {
  specCheckedClient,
  type SpecCheckedClient,
} from '../../__testUtils__/specCheckedClient';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const v1 = '/api/llm-ops/v1';

describe.each(databases.eachSupportedId())('runs API on %s', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const api = specCheckedClient(await startLlmOpsBackend({ knex }));
    await api.post(`${v1}/experiments`, { name: 'sweep' });
    return { api, knex };
  }

  async function createRun(
    api: SpecCheckedClient,
    body: Record<string, unknown> = {},
  ) {
    const res = await api.post(`${v1}/runs`, {
      experimentId: 'sweep',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.data;
  }

  it('creates a run with params and tags, finishes it and soft-deletes it', async () => {
    const { api } = await setup();
    const run = await createRun(api, {
      name: 'lr-0.01',
      params: { lr: '0.01' },
      tags: { team: 'nlp' },
    });
    expect(run).toMatchObject({
      name: 'lr-0.01',
      status: 'RUNNING',
      params: { lr: '0.01' },
      tags: { team: 'nlp' },
      endTime: null,
    });

    const finished = await api.patch(`${v1}/runs/${run.id}`, {
      status: 'FINISHED',
    });
    expect(finished.body.data.status).toBe('FINISHED');
    expect(finished.body.data.endTime).not.toBeNull();

    await api.delete(`${v1}/runs/${run.id}`);
    expect((await api.get(`${v1}/runs/${run.id}`)).body.data.lifecycle).toBe(
      'deleted',
    );
    const listed = await api.get(`${v1}/runs?experiment=sweep`);
    expect(listed.body.data.items).toHaveLength(0);
  });

  it('refuses a run in an unknown or deleted experiment', async () => {
    const { api } = await setup();
    const unknown = await api.post(`${v1}/runs`, { experimentId: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.data.error.field).toBe('experimentId');
    await api.delete(`${v1}/experiments/sweep`);
    expect(
      (await api.post(`${v1}/runs`, { experimentId: 'sweep' })).status,
    ).toBe(400);
  });

  it('logs a large metric batch once, keeps the latest value and pages the history in order', async () => {
    const { api, knex } = await setup();
    const run = await createRun(api);
    const metrics = Array.from({ length: 2500 }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      step,
      timestamp: 1_700_000_000_000 + step,
    }));
    const logged = await api.post(`${v1}/runs/${run.id}/batch`, { metrics });
    expect(logged.status).toBe(200);
    expect(logged.body.data.metrics).toBe(2500);
    // Re-sending the same points (a retried request) stores nothing twice.
    await api.post(`${v1}/runs/${run.id}/batch`, {
      metrics: metrics.slice(0, 500),
    });
    const [{ n }] = await knex('metric_points')
      .where({ run_id: run.id })
      .count({ n: '*' });
    expect(Number(n)).toBe(2500);

    const latest = (await api.get(`${v1}/runs/${run.id}`)).body.data.metrics
      .loss;
    expect(latest).toEqual({
      value: 1 / 2500,
      step: 2499,
      timestamp: 1_700_000_002_499,
    });
    // An older point arriving late does not replace the latest value.
    await api.post(`${v1}/runs/${run.id}/batch`, {
      metrics: [{ key: 'loss', value: 9, step: 3, timestamp: 1 }],
    });
    expect(
      (await api.get(`${v1}/runs/${run.id}`)).body.data.metrics.loss.step,
    ).toBe(2499);

    const steps: number[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(
        `${v1}/runs/${run.id}/metrics/loss/history?pageSize=1000${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      expect(page.status).toBe(200);
      steps.push(...page.body.data.points.map((p: any) => p.step));
      cursor = page.body.data.nextCursor;
    } while (cursor);
    expect(steps).toHaveLength(2501);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  // MLflow logs NaN (a diverged loss) and the sync keeps it on PostgreSQL; JSON has no number
  // for it. The run, its history raw and downsampled say null, as the spec allows.
  if (databaseId.startsWith('POSTGRES')) {
    it('answers NaN and infinite metric values as null', async () => {
      const { api, knex } = await setup();
      const run = await createRun(api);
      const series = [1, Number.NaN, Infinity, 0.5, 0.25, 2];
      await knex('metric_points').insert(
        series.map((value, step) => ({
          run_id: run.id,
          key: 'loss',
          step,
          timestamp: 1_000 + step,
          value,
        })),
      );
      await knex('run_latest_metrics').insert({
        run_id: run.id,
        experiment_id: run.experimentId,
        key: 'loss',
        value: Number.NaN,
        step: 1,
        timestamp: 1_001,
      });
      const got = await api.get(`${v1}/runs/${run.id}`);
      expect(got.body.data.metrics.loss.value).toBeNull();
      // Downsampled to 4: one bucket, whose highest value is NaN (PostgreSQL sorts it above
      // every number) and lowest 0.25, plus both ends.
      for (const query of ['pageSize=2', 'maxPoints=4']) {
        const values: unknown[] = [];
        let cursor: string | null = null;
        do {
          const page: any = await api.get(
            `${v1}/runs/${run.id}/metrics/loss/history?${query}${
              cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
            }`,
          );
          expect(page.status).toBe(200);
          values.push(...page.body.data.points.map((p: any) => p.value));
          cursor = page.body.data.nextCursor;
        } while (cursor);
        expect(values).toEqual(
          query === 'pageSize=2'
            ? [1, null, null, 0.5, 0.25, 2]
            : [1, null, 0.25, 2],
        );
      }
    });
  }

  it('downsamples a long series on the server keeping extremes, first and last', async () => {
    const { api } = await setup();
    const run = await createRun(api);
    // A smooth curve with one spike and one dip that the downsampling must keep.
    const spikes: Record<number, number> = { 3333: 99, 1234: -99 };
    const metrics = Array.from({ length: 5000 }, (_, step) => ({
      key: 'acc',
      value: spikes[step] ?? Math.sin(step / 100),
      step,
      timestamp: 1_000 + step,
    }));
    await api.post(`${v1}/runs/${run.id}/batch`, {
      metrics: metrics.slice(0, 2500),
    });
    await api.post(`${v1}/runs/${run.id}/batch`, {
      metrics: metrics.slice(2500),
    });
    const res = await api.get(
      `${v1}/runs/${run.id}/metrics/acc/history?maxPoints=100`,
    );
    const { points, downsampled } = res.body.data;
    expect(downsampled).toBe(true);
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.length).toBeGreaterThan(50);
    expect(points[0].step).toBe(0);
    expect(points[points.length - 1].step).toBe(4999);
    expect(points.map((p: any) => p.value)).toEqual(
      expect.arrayContaining([99, -99]),
    );
    const short = await api.get(
      `${v1}/runs/${run.id}/metrics/acc/history?maxPoints=10000`,
    );
    expect(short.body.data).toMatchObject({ downsampled: false });
    expect(short.body.data.points).toHaveLength(5000);
    expect(
      (await api.get(`${v1}/runs/${run.id}/metrics/acc/history?maxPoints=2`))
        .status,
    ).toBe(400);
  });

  it('keeps params immutable and writes nothing of a rejected batch', async () => {
    const { api } = await setup();
    const run = await createRun(api, { params: { lr: '0.01' } });
    const same = await api.post(`${v1}/runs/${run.id}/batch`, {
      params: { lr: '0.01', epochs: '3' },
    });
    expect(same.status).toBe(200);
    const changed = await api.post(`${v1}/runs/${run.id}/batch`, {
      params: { lr: '0.1' },
      metrics: [{ key: 'loss', value: 1 }],
    });
    expect(changed.status).toBe(400);
    expect(changed.body.data.error.field).toBe('params.lr');
    const after = (await api.get(`${v1}/runs/${run.id}`)).body.data;
    expect(after.params).toEqual({ lr: '0.01', epochs: '3' });
    expect(after.metrics).toEqual({});
  });

  it('searches runs with an MLflow-style filter and order, page by page', async () => {
    const { api } = await setup();
    for (let i = 0; i < 7; i++) {
      const run = await createRun(api, {
        params: { lr: i % 2 === 0 ? '0.01' : '0.1' },
        tags: { team: 'nlp' },
      });
      await api.post(`${v1}/runs/${run.id}/batch`, {
        metrics: [{ key: 'accuracy', value: 0.5 + i * 0.07, step: 1 }],
      });
      if (i === 6)
        await api.patch(`${v1}/runs/${run.id}`, { status: 'FINISHED' });
    }
    const search = (body: Record<string, unknown>) =>
      api.post(`${v1}/runs/search`, { experimentIds: ['sweep'], ...body });

    const first = await search({
      filter:
        "metrics.accuracy > 0.6 and params.lr = '0.01' and tags.team = 'nlp'",
      orderBy: ['metrics.accuracy DESC'],
      pageSize: 2,
    });
    expect(first.status).toBe(200);
    const second = await search({
      filter:
        "metrics.accuracy > 0.6 and params.lr = '0.01' and tags.team = 'nlp'",
      orderBy: ['metrics.accuracy DESC'],
      pageSize: 2,
      cursor: first.body.data.nextCursor,
    });
    const values = [...first.body.data.items, ...second.body.data.items].map(
      (r: any) => r.metrics.accuracy.value,
    );
    expect(values.map(v => v.toFixed(2))).toEqual(['0.92', '0.78', '0.64']);
    expect(second.body.data.nextCursor).toBeNull();

    const finished = await search({ filter: "attributes.status = 'FINISHED'" });
    expect(finished.body.data.items).toHaveLength(1);

    // Experiments by id or name; one that does not exist is a 404 naming it.
    const experiment = (await api.get(`${v1}/experiments/sweep`)).body.data;
    const byId = await search({
      experimentIds: [experiment.id, 'sweep'],
      filter: "attributes.status = 'FINISHED'",
    });
    expect(byId.body.data.items).toEqual(finished.body.data.items);
    const unknown = await search({ experimentIds: ['sweep', 'no-such-exp'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      status: 'error',
      message: expect.stringContaining("'no-such-exp'"),
    });

    const malformed = await search({ filter: 'metrics.accuracy >> 0.5' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.data.error.field).toBe('filter');
    expect(malformed.body.message).toMatch(/position \d+/);
  });

  it('records the dataset versions a run used as lineage', async () => {
    const { api, knex } = await setup();
    const run = await createRun(api);
    const datasetId = randomUUID();
    const versionId = randomUUID();
    const now = Date.now();
    await knex('assets').insert({
      id: datasetId,
      kind: 'dataset',
      name: 'tickets',
      lifecycle: 'active',
      created_at: now,
      updated_at: now,
    });
    await knex('versions').insert({
      id: versionId,
      asset_id: datasetId,
      version: 'v1',
      created_at: now,
      updated_at: now,
    });

    const res = await api.post(`${v1}/runs/${run.id}/inputs`, {
      datasetVersionIds: [versionId],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.datasetVersionIds).toEqual([versionId]);
    const unknown = await api.post(`${v1}/runs/${run.id}/inputs`, {
      datasetVersionIds: [randomUUID()],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.data.error.field).toBe('datasetVersionIds');
  });

  it('answers 404 for an unknown run', async () => {
    const { api } = await setup();
    expect((await api.get(`${v1}/runs/${randomUUID()}`)).status).toBe(404);
    expect(
      (
        await api.post(`${v1}/runs/${randomUUID()}/batch`, {
          metrics: [{ key: 'a', value: 1 }],
        })
      ).status,
    ).toBe(404);
    expect(
      (await api.get(`${v1}/runs/${randomUUID()}/metrics/a/history`)).status,
    ).toBe(404);
  });
});
