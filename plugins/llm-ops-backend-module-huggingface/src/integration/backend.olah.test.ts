import { TestDatabases } from '@backstage/backend-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import { startLlmOpsTestBackend } from '@llm-ops/backstage-plugin-llm-ops-node/testUtils';
import {
  createFixtureRepo,
  describeWithOlah,
  lfsPointer,
  olahUrl,
  removeFixtureOrg,
  uniqueOrg,
} from '../__testUtils__/olah';
import { llmOpsModuleHuggingFace } from '../module';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
  disableDocker: true,
});

const README = [
  '---',
  'license: mit',
  'pipeline_tag: text-classification',
  '---',
  '',
  '# Sentiment',
  '',
  'Classifies customer reviews as positive or negative.',
  '',
].join('\n');

/**
 * A model repository served by olah, imported by this module inside the real llm-ops backend:
 * what the API answers after the scheduled import ran (the scheduler is captured so the test runs
 * the task instead of waiting for its timer).
 */
describeWithOlah('the llm-ops backend importing from a Hub', () => {
  const org = uniqueOrg('backend');
  const repo = `${org}/sentiment`;
  let shas: string[];

  beforeAll(() => {
    shas = createFixtureRepo(org, 'sentiment', [
      {
        title: 'Initial commit',
        files: { 'README.md': README, 'config.json': '{}\n' },
        date: '2026-05-01T10:00:00',
      },
      {
        title: 'Add weights',
        files: { 'model.safetensors': lfsPointer('w', 50_000_000) },
        date: '2026-05-02T10:00:00',
      },
    ]);
  });
  afterAll(() => removeFixtureOrg(org));

  it.each(databases.eachSupportedId())(
    'serves the imported model, its revisions with files, and the integration on %s',
    async databaseId => {
      const llmOps = await startLlmOpsTestBackend({
        features: [llmOpsPlugin, llmOpsModuleHuggingFace],
        config: {
          llmOps: {
            huggingface: {
              hubs: [{ name: 'olah', url: olahUrl, models: [repo] }],
            },
          },
        },
        databases,
        databaseId,
      });
      try {
        const get = llmOps.api.get;
        await llmOps.task('llm-ops-import-huggingface-olah')();

        const name = encodeURIComponent(repo);
        const model = await get(`/models/${name}`);
        expect(model.status).toBe(200);
        expect(model.body.data).toMatchObject({
          name: repo,
          description: 'Classifies customer reviews as positive or negative.',
          tags: expect.objectContaining({
            'huggingface.license': 'mit',
            'huggingface.task': 'text-classification',
          }),
          aliases: { main: shas[1].slice(0, 12) },
        });

        const versions = await get(`/models/${name}/versions`);
        expect(versions.status).toBe(200);
        const items = versions.body.data.items;
        expect(items.map((v: { version: string }) => v.version)).toEqual(
          [...shas].reverse().map(sha => sha.slice(0, 12)),
        );
        expect(items[0]).toMatchObject({
          artifactUri: `hf://${repo}@${shas[1]}`,
          aliases: ['main'],
          files: expect.arrayContaining([
            { path: 'model.safetensors', sizeBytes: 50_000_000, lfs: true },
            { path: 'config.json', sizeBytes: 3, lfs: false },
          ]),
        });

        const integrations = await get('/integrations');
        expect(integrations.body.data.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              id: 'huggingface:olah',
              categories: ['model-registry'],
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
