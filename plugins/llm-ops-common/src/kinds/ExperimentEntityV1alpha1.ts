import {
  entityKindSchemaValidator,
  type Entity,
  type KindValidator,
} from '@backstage/catalog-model';
import schema from './Experiment.v1alpha1.schema.json';
import { LLM_OPS_API_VERSION } from './constants';
import type { LlmOpsEntitySpecBase } from './common';

/**
 * An Experiment entity: the runs of one ML problem (an MLflow experiment).
 *
 * @public
 */
export interface ExperimentEntityV1alpha1 extends Entity {
  apiVersion: typeof LLM_OPS_API_VERSION;
  kind: 'Experiment';
  spec: LlmOpsEntitySpecBase & {
    /** Entity references to the Datasets the experiment's runs trained on. */
    trainedOn?: string[];
  };
}

const validate = entityKindSchemaValidator(schema);

/**
 * {@link KindValidator} for {@link ExperimentEntityV1alpha1}: false for other kinds, throws with
 * the schema violation for an invalid Experiment.
 *
 * @public
 */
export const experimentEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validate(data) === data;
  },
};

/**
 * Whether an entity is an {@link ExperimentEntityV1alpha1}.
 *
 * @public
 */
export function isExperimentEntity(
  entity: Entity,
): entity is ExperimentEntityV1alpha1 {
  return (
    entity.apiVersion === LLM_OPS_API_VERSION && entity.kind === 'Experiment'
  );
}

/**
 * The JSON Schema (draft-07) of {@link ExperimentEntityV1alpha1}.
 *
 * @public
 */
export const experimentEntityV1alpha1Schema = schema;
