import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import request from 'supertest';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops-backend';
import {
  apiClient,
  createTestDatabases,
  entityFor,
  seedModel,
  seedPipeline,
} from './__testUtils__/llmOpsBackend';
import { scaffolderModuleLlmOps } from './module';

jest.setTimeout(60_000);

/*
 * The templates through the real scaffolder: its /v2/dry-run validates the form values against
 * the parameters, renders the steps, checks each input against the action's schema (converted
 * from zod) and runs the llm-ops actions in dry-run mode, which call the real llm-ops plugin.
 */

const databases = createTestDatabases();
const templatesDir = path.resolve(__dirname, '../../../templates');
const template = (dir: string) =>
  yaml.parse(
    fs.readFileSync(path.join(templatesDir, dir, 'template.yaml'), 'utf8'),
  );

describe.each(databases.eachSupportedId())(
  'the templates in a scaffolder dry run, on %s',
  databaseId => {
    let server: Parameters<typeof request>[0];
    let api: ReturnType<typeof apiClient>;

    beforeAll(async () => {
      // Each plugin gets a database of its own, as in production.
      const knexByPlugin: Record<string, any> = {
        scaffolder: await databases.init(databaseId),
        'llm-ops': await databases.init(databaseId),
      };
      const entities: Entity[] = [];
      const catalog = catalogServiceMock.mock({
        getEntityByRef: async ref => {
          const wanted = stringifyEntityRef(
            typeof ref === 'string' ? parseEntityRef(ref) : ref,
          );
          return entities.find(e => stringifyEntityRef(e) === wanted);
        },
      });
      const backend = await startTestBackend({
        features: [
          scaffolderPlugin,
          scaffolderModuleLlmOps,
          llmOpsPlugin,
          createServiceFactory({
            service: coreServices.database,
            deps: { plugin: coreServices.pluginMetadata },
            factory: ({ plugin }) =>
              mockServices.database({ knex: knexByPlugin[plugin.getId()] }),
          }),
          catalog.factory,
        ],
      });
      server = backend.server;
      api = apiClient(backend.server);
      const dataset = await api.post('/v1/datasets', {
        name: 'support-tickets',
      });
      const base = await seedModel(api, 'llama-3-8b', 1);
      const bot = await seedModel(api, 'support-bot', 1);
      const pipeline = await seedPipeline(api, 'llm-finetune', {
        experiment: '',
        dataset: '',
        baseModel: '',
        learningRate: '0.0001',
        epochs: '1',
        batchSize: '4',
        loraRank: '8',
        maxSeqLength: '1024',
      });
      entities.push(
        entityFor('Dataset', dataset),
        entityFor('Model', base.model),
        entityFor('Model', bot.model),
        entityFor('Pipeline', pipeline),
      );
    });

    const dryRun = (dir: string, values: object) =>
      request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header())
        .send({ template: template(dir), values, directoryContents: [] });

    const messages = (body: { log: Array<{ body: { message: string } }> }) =>
      body.log.map(l =>
        // Without the colours of the task log.
        // eslint-disable-next-line no-control-regex
        l.body.message.replace(/\u001b\[[0-9;]*m/g, ''),
      );

    it.each([
      [
        'fine-tune-llm',
        {
          dataset: 'dataset:default/support-tickets',
          baseModel: 'model:default/llama-3-8b',
          pipeline: 'pipeline:default/llm-finetune',
          experiment: 'support-bot-lora-r16',
          owner: 'group:default/ml-platform',
          learningRate: 0.0002,
          epochs: 3,
          batchSize: 8,
          loraRank: 16,
          maxSeqLength: 2048,
          waitForCompletion: false,
          timeoutMinutes: 120,
        },
        [
          "info: Dry run: would create experiment 'support-bot-lora-r16' owned by group:default/ml-platform with 8 tag(s)",
          "info: Dry run: would submit a run of pipeline 'llm-finetune' with the parameter(s) experiment, learningRate, epochs, batchSize, loraRank, maxSeqLength, dataset, baseModel",
        ],
        [
          'experiment:default/support-bot-lora-r16',
          'pipeline:default/llm-finetune',
        ],
      ],
      [
        'deploy-model',
        {
          model: 'model:default/support-bot',
          pick: 'alias',
          alias: 'champion',
          endpoint: 'support-bot',
          runtime: 'kserve',
          namespace: 'ml-serving',
          minReplicas: 1,
          maxReplicas: 2,
          owner: 'group:default/ml-platform',
          canary: false,
        },
        [
          "info: Dry run: would create endpoint 'support-bot' on kserve in namespace ml-serving, then serve support-bot v1 100% (stable)",
        ],
        ['endpoint:default/support-bot'],
      ],
      [
        'new-experiment',
        { name: 'support-bot-baseline', owner: 'group:default/ml-platform' },
        [
          "info: Dry run: would create experiment 'support-bot-baseline' owned by group:default/ml-platform with 0 tag(s)",
        ],
        ['experiment:default/support-bot-baseline'],
      ],
      [
        'register-dataset',
        {
          name: 'support-tickets-2026',
          owner: 'group:default/ml-platform',
          repoUrl: 'github.com?owner=acme&repo=datasets',
          path: 'data/support-tickets',
          revision: 'main',
          uri: 's3://datasets/support-tickets/v3',
          sizeBytes: 1024,
          format: 'parquet',
        },
        [
          "info: Dry run: would create dataset 'support-tickets-2026' with a version (next number), at s3://datasets/support-tickets/v3 from https://github.com/acme/datasets/data/support-tickets@main",
        ],
        ['dataset:default/support-tickets-2026'],
      ],
    ])(
      '%s runs its steps in dry-run mode and writes nothing',
      async (dir, values, logged, entityRefs) => {
        const before = {
          experiments: await api.names('experiments'),
          datasets: await api.names('datasets'),
          endpoints: await api.names('endpoints'),
          runs: (await api.get('/v1/pipelines/llm-finetune/runs')).items.length,
        };
        const res = await dryRun(dir, values);
        expect(res.status).toBe(200);
        const log = messages(res.body);
        expect(log.filter(m => m.startsWith('info: Dry run:'))).toEqual(logged);
        expect(log).not.toContainEqual(
          expect.stringMatching(
            /skipping because it does not support dry-run/i,
          ),
        );
        expect(
          res.body.output.links
            .filter((l: any) => l.entityRef)
            .map((l: any) => l.entityRef),
        ).toEqual(entityRefs);
        // No link without a URL or entity ref: every conditional link was decided.
        for (const link of res.body.output.links) {
          expect(link.url ?? link.entityRef).toBeTruthy();
        }
        expect({
          experiments: await api.names('experiments'),
          datasets: await api.names('datasets'),
          endpoints: await api.names('endpoints'),
          runs: (await api.get('/v1/pipelines/llm-finetune/runs')).items.length,
        }).toEqual(before);
      },
    );

    it('refuses an injected endpoint name in the form, before any step', async () => {
      const res = await dryRun('deploy-model', {
        model: 'model:default/support-bot',
        pick: 'alias',
        alias: 'champion',
        endpoint: 'x; rm -rf /',
        runtime: 'builtin',
        namespace: 'ml-serving',
        owner: 'group:default/ml-platform',
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain(
        'does not match pattern',
      );
    });
  },
);
