import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { LlmOpsEntitiesProcessor } from './LlmOpsEntitiesProcessor';

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

const entities: Record<string, Entity> = {
  Experiment: {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'support-bot-finetune' },
    spec: {
      owner: 'nlp',
      lifecycle: 'experimental',
      system: 'support-assistant',
      dependencyOf: ['component:support-portal'],
      trainedOn: ['support-tickets', 'dataset:other/faq'],
    },
  },
  Model: {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Model',
    metadata: { name: 'support-bot' },
    spec: {
      owner: 'user:default/jane',
      lifecycle: 'production',
      producedBy: ['support-bot-finetune'],
      versions: {
        latest: '3',
        count: 3,
        recent: [{ version: '3', status: 'READY', aliases: ['champion'] }],
      },
      aliases: { champion: '3' },
    },
  },
  Endpoint: {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Endpoint',
    metadata: { name: 'support-bot-prod' },
    spec: {
      owner: 'group:default/ml-platform',
      lifecycle: 'production',
      runtime: 'kserve',
      url: 'https://support-bot.example.com',
      state: 'Ready',
      traffic: [
        {
          model: 'model:support-bot',
          version: '3',
          percent: 100,
          role: 'stable',
        },
      ],
      serves: ['support-bot'],
    },
  },
  Dataset: {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'support-tickets' },
    spec: { owner: 'data', lifecycle: 'production', latestVersion: null },
  },
  Pipeline: {
    apiVersion: 'llm-ops.io/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'support-bot-training' },
    spec: {
      owner: 'ml-platform',
      lifecycle: 'production',
      runtime: 'argo',
      templateRef: { kind: 'WorkflowTemplate', name: 'support-bot-training' },
      consumes: ['support-tickets'],
      produces: ['experiment:support-bot-finetune', 'model:support-bot'],
    },
  },
};

async function relationsOf(entity: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  await new LlmOpsEntitiesProcessor().postProcessEntity(entity, location, r => {
    emitted.push(r);
  });
  return emitted.map(r => {
    if (r.type !== 'relation') throw new Error(`unexpected ${r.type}`);
    const { source, type, target } = r.relation;
    return `${source.kind}:${source.namespace}/${source.name} ${type} ${target.kind}:${target.namespace}/${target.name}`;
  });
}

describe('LlmOpsEntitiesProcessor', () => {
  const processor = new LlmOpsEntitiesProcessor();

  it.each(Object.keys(entities))('accepts a valid %s', async kind => {
    await expect(processor.validateEntityKind(entities[kind])).resolves.toBe(
      true,
    );
  });

  it('leaves other kinds and apiVersions to other processors', async () => {
    await expect(
      processor.validateEntityKind({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
        spec: { type: 'service', owner: 'a', lifecycle: 'production' },
      }),
    ).resolves.toBe(false);
    await expect(
      processor.validateEntityKind({
        ...entities.Model,
        apiVersion: 'llm-ops.io/v1beta9',
      }),
    ).resolves.toBe(false);
  });

  it.each(Object.keys(entities))(
    'rejects a %s without an owner, naming the field',
    async kind => {
      const { owner, ...spec } = entities[kind].spec!;
      expect(owner).toBeDefined();
      await expect(
        processor.validateEntityKind({ ...entities[kind], spec }),
      ).rejects.toThrow(/owner/);
    },
  );

  it('rejects fields of the wrong shape', async () => {
    await expect(
      processor.validateEntityKind({
        ...entities.Endpoint,
        spec: {
          ...entities.Endpoint.spec,
          traffic: [{ model: 'model:a', percent: 150 }],
        },
      }),
    ).rejects.toThrow(/percent|100/);
    await expect(
      processor.validateEntityKind({
        ...entities.Experiment,
        spec: { ...entities.Experiment.spec, trainedOn: 'dataset:a' },
      }),
    ).rejects.toThrow(/trainedOn|array/);
  });

  it('emits each relation in both directions', async () => {
    expect(await relationsOf(entities.Experiment)).toEqual([
      'Experiment:default/support-bot-finetune ownedBy Group:default/nlp',
      'Group:default/nlp ownerOf Experiment:default/support-bot-finetune',
      'Experiment:default/support-bot-finetune partOf System:default/support-assistant',
      'System:default/support-assistant hasPart Experiment:default/support-bot-finetune',
      'Experiment:default/support-bot-finetune dependencyOf component:default/support-portal',
      'component:default/support-portal dependsOn Experiment:default/support-bot-finetune',
      'Experiment:default/support-bot-finetune trainedOn Dataset:default/support-tickets',
      'Dataset:default/support-tickets trainingDataOf Experiment:default/support-bot-finetune',
      'Experiment:default/support-bot-finetune trainedOn dataset:other/faq',
      'dataset:other/faq trainingDataOf Experiment:default/support-bot-finetune',
    ]);
    expect(await relationsOf(entities.Model)).toEqual([
      'Model:default/support-bot ownedBy user:default/jane',
      'user:default/jane ownerOf Model:default/support-bot',
      'Model:default/support-bot producedBy Experiment:default/support-bot-finetune',
      'Experiment:default/support-bot-finetune produces Model:default/support-bot',
    ]);
    expect(await relationsOf(entities.Endpoint)).toEqual(
      expect.arrayContaining([
        'Endpoint:default/support-bot-prod serves Model:default/support-bot',
        'Model:default/support-bot servedBy Endpoint:default/support-bot-prod',
      ]),
    );
    expect(await relationsOf(entities.Dataset)).toEqual([
      'Dataset:default/support-tickets ownedBy Group:default/data',
      'Group:default/data ownerOf Dataset:default/support-tickets',
    ]);
    expect(await relationsOf(entities.Pipeline)).toEqual([
      'Pipeline:default/support-bot-training ownedBy Group:default/ml-platform',
      'Group:default/ml-platform ownerOf Pipeline:default/support-bot-training',
      'Pipeline:default/support-bot-training consumes Dataset:default/support-tickets',
      'Dataset:default/support-tickets consumedBy Pipeline:default/support-bot-training',
      'Pipeline:default/support-bot-training produces experiment:default/support-bot-finetune',
      'experiment:default/support-bot-finetune producedBy Pipeline:default/support-bot-training',
      'Pipeline:default/support-bot-training produces model:default/support-bot',
      'model:default/support-bot producedBy Pipeline:default/support-bot-training',
    ]);
  });

  it('rejects a malformed reference with an error naming the entity and field', async () => {
    await expect(
      relationsOf({
        ...entities.Experiment,
        spec: { ...entities.Experiment.spec, trainedOn: ['dataset:a:b/c/d'] },
      }),
    ).rejects.toThrow(
      /Experiment 'support-bot-finetune' spec\.trainedOn holds an invalid entity reference 'dataset:a:b\/c\/d'/,
    );
  });

  it('rejects a reference to a kind the field does not allow', async () => {
    await expect(
      relationsOf({
        ...entities.Endpoint,
        spec: {
          ...entities.Endpoint.spec,
          serves: ['dataset:support-tickets'],
        },
      }),
    ).rejects.toThrow(
      /spec\.serves refers to 'dataset:support-tickets', but it must be a reference to Model/,
    );
  });

  it('requires the kind in Pipeline.spec.produces', async () => {
    await expect(
      relationsOf({
        ...entities.Pipeline,
        spec: { ...entities.Pipeline.spec, produces: ['support-bot'] },
      }),
    ).rejects.toThrow(
      /spec\.produces holds an invalid entity reference 'support-bot'/,
    );
  });

  it('emits nothing for entities of other kinds', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
        spec: { owner: 'a' },
      },
      location,
      emit,
    );
    expect(emit).not.toHaveBeenCalled();
  });
});
