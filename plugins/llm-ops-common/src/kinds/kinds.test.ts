import type { Entity } from '@backstage/catalog-model';
import {
  datasetEntityV1alpha1Schema,
  endpointEntityV1alpha1Schema,
  experimentEntityV1alpha1Schema,
  isLlmOpsEntity,
  isModelEntity,
  llmOpsEntityValidators,
  modelEntityV1alpha1Schema,
  pipelineEntityV1alpha1Schema,
} from './index';

const schemas = {
  Experiment: experimentEntityV1alpha1Schema,
  Model: modelEntityV1alpha1Schema,
  Endpoint: endpointEntityV1alpha1Schema,
  Dataset: datasetEntityV1alpha1Schema,
  Pipeline: pipelineEntityV1alpha1Schema,
};

async function check(entity: Entity) {
  for (const validator of llmOpsEntityValidators) {
    if (await validator.check(entity)) return true;
  }
  return false;
}

describe('LLM Ops kinds', () => {
  it.each(Object.entries(schemas))(
    'the %s schema accepts its own example',
    async (kind, schema) => {
      const example = schema.examples[0] as unknown as Entity;
      expect(example.kind).toBe(kind);
      await expect(check(example)).resolves.toBe(true);
      expect(isLlmOpsEntity(example)).toBe(true);
    },
  );

  it.each(Object.entries(schemas))(
    'the %s schema requires spec.owner',
    async (_kind, schema) => {
      const example = schema.examples[0] as unknown as Entity;
      const { owner: _owner, ...spec } = example.spec!;
      await expect(check({ ...example, spec })).rejects.toThrow(/owner/);
    },
  );

  it('rejects a wrong type in a kind-specific field', async () => {
    const model = modelEntityV1alpha1Schema.examples[0] as unknown as Entity;
    await expect(
      check({ ...model, spec: { ...model.spec, aliases: { champion: 3 } } }),
    ).rejects.toThrow(/aliases/);
  });

  it('does not claim other kinds', async () => {
    const other: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'a' },
      spec: { owner: 'b' },
    };
    await expect(check(other)).resolves.toBe(false);
    expect(isLlmOpsEntity(other)).toBe(false);
    expect(isModelEntity(other)).toBe(false);
  });
});
