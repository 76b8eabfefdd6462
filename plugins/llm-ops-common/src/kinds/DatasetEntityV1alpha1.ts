import {
  entityKindSchemaValidator,
  type Entity,
  type KindValidator,
} from '@backstage/catalog-model';
import schema from './Dataset.v1alpha1.schema.json';
import { LLM_OPS_API_VERSION } from './constants';
import type { LlmOpsEntitySpecBase } from './common';

/**
 * A Dataset entity: versioned training or evaluation data.
 *
 * @public
 */
export interface DatasetEntityV1alpha1 extends Entity {
  apiVersion: typeof LLM_OPS_API_VERSION;
  kind: 'Dataset';
  spec: LlmOpsEntitySpecBase & {
    /** The label of the newest version, null while there is none. */
    latestVersion?: string | null;
    /** The file format of the newest version, e.g. parquet. */
    format?: string;
    /** Where the newest version's data is, e.g. s3://bucket/path. */
    uri?: string;
  };
}

const validate = entityKindSchemaValidator(schema);

/**
 * {@link KindValidator} for {@link DatasetEntityV1alpha1}: false for other kinds, throws with
 * the schema violation for an invalid Dataset.
 *
 * @public
 */
export const datasetEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validate(data) === data;
  },
};

/**
 * Whether an entity is an {@link DatasetEntityV1alpha1}.
 *
 * @public
 */
export function isDatasetEntity(
  entity: Entity,
): entity is DatasetEntityV1alpha1 {
  return entity.apiVersion === LLM_OPS_API_VERSION && entity.kind === 'Dataset';
}

/**
 * The JSON Schema (draft-07) of {@link DatasetEntityV1alpha1}.
 *
 * @public
 */
export const datasetEntityV1alpha1Schema = schema;
