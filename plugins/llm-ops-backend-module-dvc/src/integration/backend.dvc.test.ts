import { TestDatabases } from '@backstage/backend-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import { startLlmOpsTestBackend } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import { rm } from 'node:fs/promises';
import { describeWithDvc, dvcPath } from '../__testUtils__/dvc';
import {
  buildDvcRepository,
  md5,
  type DvcRepositoryFixture,
} from '../__testUtils__/dvcRepository';
import { llmOpsModuleDvc } from '../module';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
  disableDocker: true,
});

/**
 * A real DVC repository, read by this module inside the real llm-ops backend: what the API
 * answers after the scheduled dataset sync ran (the scheduler is captured so the test runs the
 * task itself instead of waiting for its timer).
 */
describeWithDvc('the llm-ops backend with a DVC repository', () => {
  let repo: DvcRepositoryFixture;

  beforeAll(async () => {
    repo = await buildDvcRepository(dvcPath!);
  });
  afterAll(async () => {
    if (repo) await rm(repo.root, { recursive: true, force: true });
  });

  it.each(databases.eachSupportedId())(
    'serves the datasets, versions and stage lineage of the repository on %s',
    async databaseId => {
      const llmOps = await startLlmOpsTestBackend({
        features: [llmOpsPlugin, llmOpsModuleDvc],
        config: {
          llmOps: {
            dvc: { repositories: [{ name: 'datasets', path: repo.root }] },
          },
        },
        databases,
        databaseId,
      });
      try {
        const get = llmOps.api.get;
        await llmOps.taskStartingWith('llm-ops-datasets-dvc-datasets')();

        const raw = encodeURIComponent('datasets/data/raw.csv');
        const versions = await get(`/datasets/${raw}/versions`);
        expect(versions.status).toBe(200);
        expect(
          versions.body.data.items.map((v: { version: string }) => v.version),
        ).toEqual(['v2', 'v1']);
        expect(versions.body.data.items[1]).toMatchObject({
          digest: `md5:${md5('id,text\n1,hello\n2,world\n')}`,
          sourceRepository: { repository: repo.root, path: 'data/raw.csv' },
        });

        const prepared = encodeURIComponent('datasets/data/prepared');
        const preparedVersions = await get(`/datasets/${prepared}/versions`);
        const preparedId = preparedVersions.body.data.items[0].id;
        const lineage = await get(
          `/lineage/dataset-version/${preparedId}?depth=3`,
        );
        expect(lineage.status).toBe(200);
        const upstream = lineage.body.data.nodes
          .filter((n: { direction: string }) => n.direction === 'upstream')
          .map((n: { type: string; label: string }) => `${n.type} ${n.label}`);
        // dataset -> pipeline run (the DVC stage) -> dataset, as Argo pipelines read.
        expect(upstream).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^pipeline-run dvc-datasets-prepare-/),
            expect.stringMatching(/^dataset-version .*raw\.csv.*v2/),
          ]),
        );

        const integrations = await get('/integrations');
        expect(integrations.body.data.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              id: 'dvc:datasets',
              categories: ['data-versioning'],
              state: 'up',
            }),
          ]),
        );
      } finally {
        await llmOps.stop();
      }
    },
  );
});
