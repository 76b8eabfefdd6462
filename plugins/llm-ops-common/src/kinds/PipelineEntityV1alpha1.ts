import {
  entityKindSchemaValidator,
  type Entity,
  type KindValidator,
} from '@backstage/catalog-model';
import schema from './Pipeline.v1alpha1.schema.json';
import { LLM_OPS_API_VERSION } from './constants';
import type { LlmOpsEntitySpecBase } from './common';

/**
 * A Pipeline entity: a workflow whose runs read and produce ML assets.
 *
 * @public
 */
export interface PipelineEntityV1alpha1 extends Entity {
  apiVersion: typeof LLM_OPS_API_VERSION;
  kind: 'Pipeline';
  spec: LlmOpsEntitySpecBase & {
    /** Where runs execute, e.g. argo or builtin. */
    runtime?: string;
    /** The Argo template the runs are made from; null for built-in pipelines. */
    templateRef?: {
      kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate';
      name: string;
    } | null;
    /** Entity references to the Datasets or Models the pipeline's runs read. */
    consumes?: string[];
    /** Entity references to the Datasets, Experiments or Models the pipeline's runs produce. */
    produces?: string[];
  };
}

const validate = entityKindSchemaValidator(schema);

/**
 * {@link KindValidator} for {@link PipelineEntityV1alpha1}: false for other kinds, throws with
 * the schema violation for an invalid Pipeline.
 *
 * @public
 */
export const pipelineEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validate(data) === data;
  },
};

/**
 * Whether an entity is an {@link PipelineEntityV1alpha1}.
 *
 * @public
 */
export function isPipelineEntity(
  entity: Entity,
): entity is PipelineEntityV1alpha1 {
  return (
    entity.apiVersion === LLM_OPS_API_VERSION && entity.kind === 'Pipeline'
  );
}

/**
 * The JSON Schema (draft-07) of {@link PipelineEntityV1alpha1}.
 *
 * @public
 */
export const pipelineEntityV1alpha1Schema = schema;
