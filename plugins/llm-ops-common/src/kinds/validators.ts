import type { Entity, KindValidator } from '@backstage/catalog-model';
import { experimentEntityV1alpha1Validator } from './ExperimentEntityV1alpha1';
import { modelEntityV1alpha1Validator } from './ModelEntityV1alpha1';
import { endpointEntityV1alpha1Validator } from './EndpointEntityV1alpha1';
import { datasetEntityV1alpha1Validator } from './DatasetEntityV1alpha1';
import { pipelineEntityV1alpha1Validator } from './PipelineEntityV1alpha1';
import type { ExperimentEntityV1alpha1 } from './ExperimentEntityV1alpha1';
import type { ModelEntityV1alpha1 } from './ModelEntityV1alpha1';
import type { EndpointEntityV1alpha1 } from './EndpointEntityV1alpha1';
import type { DatasetEntityV1alpha1 } from './DatasetEntityV1alpha1';
import type { PipelineEntityV1alpha1 } from './PipelineEntityV1alpha1';
import { LLM_OPS_API_VERSION, LLM_OPS_KINDS } from './constants';

/**
 * The validators of the five LLM Ops kinds, for a catalog processor's `validateEntityKind`.
 *
 * @public
 */
export const llmOpsEntityValidators: ReadonlyArray<KindValidator> = [
  experimentEntityV1alpha1Validator,
  modelEntityV1alpha1Validator,
  endpointEntityV1alpha1Validator,
  datasetEntityV1alpha1Validator,
  pipelineEntityV1alpha1Validator,
];

/**
 * Any of the LLM Ops entities.
 *
 * @public
 */
export type LlmOpsEntity =
  | ExperimentEntityV1alpha1
  | ModelEntityV1alpha1
  | EndpointEntityV1alpha1
  | DatasetEntityV1alpha1
  | PipelineEntityV1alpha1;

/**
 * Whether an entity is of one of the LLM Ops kinds (by apiVersion and kind, without validating).
 *
 * @public
 */
export function isLlmOpsEntity(entity: Entity): entity is LlmOpsEntity {
  return (
    entity.apiVersion === LLM_OPS_API_VERSION &&
    (LLM_OPS_KINDS as ReadonlyArray<string>).includes(entity.kind)
  );
}
