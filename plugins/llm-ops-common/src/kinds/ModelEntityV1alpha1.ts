import {
  entityKindSchemaValidator,
  type Entity,
  type KindValidator,
} from '@backstage/catalog-model';
import schema from './Model.v1alpha1.schema.json';
import { LLM_OPS_API_VERSION } from './constants';
import type { LlmOpsEntitySpecBase } from './common';

/**
 * A Model entity: a registered model with numbered versions and aliases.
 *
 * @public
 */
export interface ModelEntityV1alpha1 extends Entity {
  apiVersion: typeof LLM_OPS_API_VERSION;
  kind: 'Model';
  spec: LlmOpsEntitySpecBase & {
    /** Entity references to the Experiments whose runs produced versions of the model. */
    producedBy?: string[];
    /** A summary of the model's versions. */
    versions?: {
      /** The newest version number, null while there is none. */
      latest?: string | null;
      /** How many versions the model has. */
      count?: number;
      /** The newest versions, newest first. */
      recent?: Array<{
        version: string;
        status?: string;
        aliases?: string[];
        createdAt?: string;
      }>;
    };
    /** Alias name to the version it points at, e.g. champion to 3. */
    aliases?: Record<string, string>;
  };
}

const validate = entityKindSchemaValidator(schema);

/**
 * {@link KindValidator} for {@link ModelEntityV1alpha1}: false for other kinds, throws with
 * the schema violation for an invalid Model.
 *
 * @public
 */
export const modelEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validate(data) === data;
  },
};

/**
 * Whether an entity is an {@link ModelEntityV1alpha1}.
 *
 * @public
 */
export function isModelEntity(entity: Entity): entity is ModelEntityV1alpha1 {
  return entity.apiVersion === LLM_OPS_API_VERSION && entity.kind === 'Model';
}

/**
 * The JSON Schema (draft-07) of {@link ModelEntityV1alpha1}.
 *
 * @public
 */
export const modelEntityV1alpha1Schema = schema;
