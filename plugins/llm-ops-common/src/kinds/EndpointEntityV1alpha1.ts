import {
  entityKindSchemaValidator,
  type Entity,
  type KindValidator,
} from '@backstage/catalog-model';
import schema from './Endpoint.v1alpha1.schema.json';
import { LLM_OPS_API_VERSION } from './constants';
import type { LlmOpsEntitySpecBase } from './common';

/**
 * An Endpoint entity: a serving endpoint and the model versions it serves.
 *
 * @public
 */
export interface EndpointEntityV1alpha1 extends Entity {
  apiVersion: typeof LLM_OPS_API_VERSION;
  kind: 'Endpoint';
  spec: LlmOpsEntitySpecBase & {
    /** Where the endpoint is served, e.g. kserve, ray-serve or builtin. */
    runtime?: string;
    /** The URL clients call. */
    url?: string;
    /** What the serving platform last reported: Ready, NotReady or Unknown. */
    state?: string;
    /** The model versions taking the traffic and their shares. */
    traffic?: Array<{
      /** An entity reference to the Model. */
      model: string;
      version?: string;
      percent: number;
      role?: 'stable' | 'canary';
    }>;
    /** Entity references to the Models the endpoint serves. */
    serves?: string[];
  };
}

const validate = entityKindSchemaValidator(schema);

/**
 * {@link KindValidator} for {@link EndpointEntityV1alpha1}: false for other kinds, throws with
 * the schema violation for an invalid Endpoint.
 *
 * @public
 */
export const endpointEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validate(data) === data;
  },
};

/**
 * Whether an entity is an {@link EndpointEntityV1alpha1}.
 *
 * @public
 */
export function isEndpointEntity(
  entity: Entity,
): entity is EndpointEntityV1alpha1 {
  return (
    entity.apiVersion === LLM_OPS_API_VERSION && entity.kind === 'Endpoint'
  );
}

/**
 * The JSON Schema (draft-07) of {@link EndpointEntityV1alpha1}.
 *
 * @public
 */
export const endpointEntityV1alpha1Schema = schema;
