import type { Entity } from '@backstage/catalog-model';
import type {
  DeferredEntity,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  createTestDatabases,
  startBackend,
} from '../__testUtils__/llmOpsBackend';
import { shortHash } from './entityNames';

jest.setTimeout(120_000);

const databases = createTestDatabases();

type Api = Awaited<ReturnType<typeof startBackend>>['api'];

/** A small store with one asset of each kind and lineage between them, made through the API. */
async function seed(api: Api) {
  const tickets = await api.post('/v1/datasets', {
    name: 'support-tickets',
    owner: 'group:default/data',
    description: 'Support tickets, anonymised',
  });
  const ticketsV1 = await api.post(`/v1/datasets/${tickets.id}/versions`, {
    version: '2024-06',
    uri: 's3://data/tickets/2024-06',
    format: 'parquet',
    sourceRepository: {
      repository: 'https://github.com/acme/datasets',
      path: 'tickets/data.dvc',
      revision: 'abc123',
    },
  });
  const faq = await api.post('/v1/datasets', { name: 'FAQ Corpus' });
  const experiment = await api.post('/v1/experiments', {
    name: 'support-bot/finetune',
    owner: 'group:default/nlp',
    tags: {
      team: 'nlp',
      'backstage.io/system': 'support-assistant',
      'backstage.io/dependency-of': 'component:default/support-portal',
    },
  });
  const run = await api.post('/v1/runs', {
    experimentId: experiment.id,
    name: 'lr-0.01',
  });
  await api.post(`/v1/runs/${run.id}/inputs`, {
    datasetVersionIds: [ticketsV1.id],
  });
  const model = await api.post('/v1/models', {
    name: 'support-bot',
    owner: 'nlp',
  });
  const modelV1 = await api.post(`/v1/models/${model.id}/versions`, {
    artifactUri: 's3://models/support-bot/1',
    sourceRunId: run.id,
  });
  await api.put(`/v1/models/${model.id}/aliases/champion`, { version: '1' });
  const orphan = await api.post('/v1/models', { name: 'orphan-model' });
  const endpoint = await api.post('/v1/endpoints', {
    name: 'support-bot-prod',
    runtime: 'kserve',
    cluster: 'east',
    namespace: 'ml-serving',
    url: 'https://support-bot.ml.example.com',
    modelVersionId: modelV1.id,
  });
  const pipeline = await api.post('/v1/pipelines', {
    name: 'support-bot-training',
    runtime: 'argo',
    namespace: 'ml-pipelines',
    templateRef: { kind: 'WorkflowTemplate', name: 'support-bot-training' },
    owner: 'group:default/ml-platform',
  });
  const pipelineRun = await api.post(`/v1/pipelines/${pipeline.id}/runs`, {});
  await api.post(`/v1/pipeline-runs/${pipelineRun.id}/links`, {
    used: [ticketsV1.id],
    ran: [run.id],
    produced: [modelV1.id],
  });
  return { tickets, faq, experiment, run, model, orphan, endpoint, pipeline };
}

function entitiesOf(mutation: EntityProviderMutation): DeferredEntity[] {
  return mutation.type === 'full' ? mutation.entities : mutation.added;
}

function byRef(mutation: EntityProviderMutation) {
  return new Map<string, Entity>(
    entitiesOf(mutation).map(d => [
      `${d.entity.kind.toLocaleLowerCase('en-US')}:${d.entity.metadata.name}`,
      d.entity,
    ]),
  );
}

describe.each(databases.eachSupportedId())(
  'LlmOpsEntityProvider on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      return startBackend({
        knex,
        config: {
          catalog: {
            providers: { llmOps: { deltaFrequency: { seconds: 2 } } },
          },
        },
      });
    }

    it('registers the processor and the provider with their schedules', async () => {
      const { provider, processors, scheduler } = await start();
      expect(provider.getProviderName()).toBe('llm-ops-provider');
      expect(processors.map((p: any) => p.getProcessorName())).toEqual([
        'LlmOpsEntitiesProcessor',
      ]);
      expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
        frequency: { minutes: 5 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 5 },
      });
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          id: 'llm-ops-provider:delta',
          scope: 'local',
          frequency: { milliseconds: 2000 },
        }),
      );
    });

    it('mirrors the store into the catalog, then applies changes and removals', async () => {
      const { provider, connection, api } = await start();
      const s = await seed(api);

      await provider.refresh();
      const full = connection.last();
      expect(full.type).toBe('full');
      const entities = byRef(full);
      const experimentName = `support-bot-finetune-${shortHash(
        s.experiment.id,
      )}`;
      const faqName = `faq-corpus-${shortHash(s.faq.id)}`;
      expect([...entities.keys()].sort()).toEqual(
        [
          'dataset:support-tickets',
          `dataset:${faqName}`,
          `experiment:${experimentName}`,
          'model:support-bot',
          'model:orphan-model',
          'endpoint:support-bot-prod',
          'pipeline:support-bot-training',
        ].sort(),
      );
      for (const d of entitiesOf(full)) {
        expect(d.locationKey).toBe('llm-ops-provider');
        expect(d.entity.metadata.annotations).toMatchObject({
          'backstage.io/managed-by-location': expect.stringMatching(
            /^llm-ops:http:\/\/.+\/api\/llm-ops$/,
          ),
          'backstage.io/managed-by-origin-location':
            expect.stringMatching(/^llm-ops:http/),
          'llm-ops.io/source-integration': 'builtin',
        });
      }

      const experiment = entities.get(`experiment:${experimentName}`)!;
      expect(experiment).toMatchObject({
        apiVersion: 'llm-ops.io/v1alpha1',
        kind: 'Experiment',
        metadata: {
          name: experimentName,
          title: 'support-bot/finetune',
          tags: ['team:nlp'],
          annotations: { 'llm-ops.io/id': s.experiment.id },
        },
        spec: {
          owner: 'group:default/nlp',
          lifecycle: 'experimental',
          system: 'support-assistant',
          dependencyOf: ['component:default/support-portal'],
          trainedOn: ['dataset:default/support-tickets'],
        },
      });

      expect(entities.get('model:support-bot')).toMatchObject({
        metadata: { annotations: { 'llm-ops.io/id': s.model.id } },
        spec: {
          owner: 'group:default/nlp',
          lifecycle: 'production',
          producedBy: [`experiment:default/${experimentName}`],
          versions: {
            latest: '1',
            count: 1,
            recent: [{ version: '1', aliases: ['champion'] }],
          },
          aliases: { champion: '1' },
        },
      });
      expect(entities.get('model:orphan-model')!.spec).toMatchObject({
        owner: 'group:default/ml-platform',
        versions: { latest: null, count: 0 },
      });

      expect(entities.get('dataset:support-tickets')).toMatchObject({
        metadata: {
          description: 'Support tickets, anonymised',
          annotations: {
            'dvc.org/repository': 'https://github.com/acme/datasets',
            'dvc.org/path': 'tickets/data.dvc',
          },
        },
        spec: {
          owner: 'group:default/data',
          latestVersion: '2024-06',
          format: 'parquet',
          uri: 's3://data/tickets/2024-06',
        },
      });

      expect(entities.get('endpoint:support-bot-prod')).toMatchObject({
        metadata: {
          annotations: {
            'kserve.io/inference-service': 'ml-serving/support-bot-prod',
            'kserve.io/cluster': 'east',
          },
        },
        spec: {
          runtime: 'kserve',
          url: 'https://support-bot.ml.example.com',
          traffic: [
            {
              model: 'model:default/support-bot',
              version: '1',
              percent: 100,
              role: 'stable',
            },
          ],
          serves: ['model:default/support-bot'],
        },
      });

      expect(entities.get('pipeline:support-bot-training')).toMatchObject({
        metadata: {
          annotations: {
            'argoproj.io/workflow-template':
              'ml-pipelines/support-bot-training',
          },
        },
        spec: {
          runtime: 'argo',
          templateRef: {
            kind: 'WorkflowTemplate',
            name: 'support-bot-training',
          },
          consumes: ['dataset:default/support-tickets'],
          produces: [
            `experiment:default/${experimentName}`,
            'model:default/support-bot',
          ],
        },
      });

      // Nothing changed: a delta pass emits nothing.
      await provider.applyChanges();
      expect(connection.mutations).toHaveLength(1);

      // A change to one asset: only that entity, in a delta.
      await api.patch(`/v1/models/${s.model.id}`, {
        description: 'Answers support questions',
        owner: 'group:default/support',
      });
      await provider.applyChanges();
      expect(connection.mutations).toHaveLength(2);
      const delta = connection.last();
      expect(delta).toMatchObject({ type: 'delta', removed: [] });
      expect(entitiesOf(delta).map(d => d.entity.metadata.name)).toEqual([
        'support-bot',
      ]);
      expect(entitiesOf(delta)[0].entity).toMatchObject({
        metadata: { description: 'Answers support questions' },
        spec: {
          owner: 'group:default/support',
          producedBy: [`experiment:default/${experimentName}`],
        },
      });

      // A rename: the entity of the old name goes, the new one comes.
      await api.patch(`/v1/datasets/${s.faq.id}`, { name: 'faq' });
      await provider.applyChanges();
      expect(connection.last()).toMatchObject({
        type: 'delta',
        removed: [{ entityRef: `dataset:default/${faqName}` }],
      });
      expect(
        entitiesOf(connection.last()).map(d => d.entity.metadata.name),
      ).toEqual(['faq']);

      // A deleted experiment is removed at once.
      await api.delete(`/v1/experiments/${s.experiment.id}`);
      await provider.applyChanges();
      expect(connection.last()).toEqual({
        type: 'delta',
        added: [],
        removed: [
          {
            entityRef: `experiment:default/${experimentName}`,
            locationKey: 'llm-ops-provider',
          },
        ],
      });

      // A hard-deleted model leaves the catalog with the next full sync, and relations to the
      // deleted experiment are gone.
      await api.delete(`/v1/models/${s.orphan.id}`);
      await provider.refresh();
      const after = byRef(connection.last());
      expect(connection.last().type).toBe('full');
      expect(after.has('model:orphan-model')).toBe(false);
      expect(after.has(`experiment:${experimentName}`)).toBe(false);
      expect(after.has('dataset:faq')).toBe(true);
      expect(after.get('model:support-bot')!.spec!.producedBy).toBeUndefined();
      expect(
        after.get('pipeline:support-bot-training')!.spec!.produces,
      ).toEqual(['model:default/support-bot']);
    });

    it('emits no entity for an asset that a hand-written entity claims', async () => {
      const { provider, connection, api, catalogEntities } = await start();
      const s = await seed(api);
      catalogEntities.push(
        {
          // Claims the model by its llm-ops id, under a name of its own.
          apiVersion: 'llm-ops.io/v1alpha1',
          kind: 'Model',
          metadata: {
            name: 'support-assistant-llm',
            namespace: 'nlp',
            annotations: {
              'llm-ops.io/id': s.model.id,
              'backstage.io/managed-by-origin-location':
                'url:https://github.com/acme/support/catalog-info.yaml',
            },
          },
          spec: { owner: 'group:default/nlp' },
        },
        {
          // The same kind and name as the store's dataset, without the annotation.
          apiVersion: 'llm-ops.io/v1alpha1',
          kind: 'Dataset',
          metadata: { name: 'support-tickets' },
          spec: { owner: 'group:default/data' },
        },
        {
          // One of ours from an earlier sync: not a claim.
          apiVersion: 'llm-ops.io/v1alpha1',
          kind: 'Endpoint',
          metadata: {
            name: 'support-bot-prod',
            annotations: {
              'llm-ops.io/id': s.endpoint.id,
              'backstage.io/managed-by-origin-location':
                'llm-ops:http://localhost/api/llm-ops',
            },
          },
          spec: { owner: 'group:default/ml-platform' },
        },
      );

      await provider.refresh();
      const entities = byRef(connection.last());
      expect(entities.has('model:support-bot')).toBe(false);
      expect(entities.has('dataset:support-tickets')).toBe(false);
      expect(entities.has('endpoint:support-bot-prod')).toBe(true);
      // Relations point at the hand-written entities instead.
      expect(entities.get('endpoint:support-bot-prod')!.spec!.serves).toEqual([
        'model:nlp/support-assistant-llm',
      ]);
      const experiment = [...entities.values()].find(
        e => e.kind === 'Experiment',
      )!;
      expect(experiment.spec!.trainedOn).toEqual([
        'dataset:default/support-tickets',
      ]);

      // A change to a claimed asset is not emitted by a delta either.
      await api.patch(`/v1/models/${s.model.id}`, { description: 'changed' });
      await provider.applyChanges();
      expect(connection.mutations).toHaveLength(1);
    });
  },
);
