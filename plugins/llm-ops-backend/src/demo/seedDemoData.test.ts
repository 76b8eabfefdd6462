import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/realServices';
import { openDatabase } from '../database/migrate';
import { seedDemoData } from './seedDemoData';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const demoFile = path.resolve(
  __dirname,
  '../../../../examples/llm-ops-demo.yaml',
);

describe.each(databases.eachSupportedId())('demo data on %s', databaseId => {
  it('seeds the connected demo story into an empty store, once', async () => {
    const knex = await databases.init(databaseId);
    const db = await openDatabase(mockServices.database({ knex }));
    const logger = mockServices.logger.mock();

    expect(await seedDemoData({ db, file: demoFile, logger })).toBe(true);
    const count = async (table: string, where: Record<string, unknown> = {}) =>
      Number((await db(table).where(where).count({ n: '*' }))[0].n);
    expect(await count('assets', { kind: 'experiment' })).toBe(2);
    expect(await count('assets', { kind: 'model' })).toBe(2);
    expect(await count('assets', { kind: 'endpoint' })).toBe(2);
    expect(await count('runs')).toBe(7);
    expect(await count('metric_points')).toBeGreaterThan(4000);
    expect(await count('aliases')).toBe(3);
    // The story is connected: dataset -> run -> model version -> endpoint, and the pipeline.
    for (const relation of ['used', 'produced', 'serves', 'ran']) {
      expect(await count('lineage_edges', { relation })).toBeGreaterThan(0);
    }
    // A second start leaves the (now non-empty) store alone.
    expect(await seedDemoData({ db, file: demoFile, logger })).toBe(false);
    expect(await count('runs')).toBe(7);
  });
});
