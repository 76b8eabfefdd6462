import {
  type CompoundEntityRef,
  type Entity,
  getCompoundEntityRef,
  makeValidator,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  type CatalogProcessor,
  type CatalogProcessorEmit,
  type LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  isLlmOpsEntity,
  LLM_OPS_RELATIONS as R,
  llmOpsEntityValidators,
  type LlmOpsEntity,
} from '@llm-ops/backstage-plugin-llm-ops-common';

const validator = makeValidator();

/** One spec field holding entity references, and the relations it stands for. */
type RefField = {
  field: string;
  /** Relation from the entity to the target, and its inverse. */
  relation: string;
  inverse: string;
  /** Kind assumed when the reference does not name one; undefined means the kind is required. */
  defaultKind?: string;
  /** Kinds the reference may point at (case-insensitive); undefined means any kind. */
  allowedKinds?: string[];
};

const common: RefField[] = [
  {
    field: 'owner',
    relation: RELATION_OWNED_BY,
    inverse: RELATION_OWNER_OF,
    defaultKind: 'Group',
    allowedKinds: ['Group', 'User'],
  },
  {
    field: 'system',
    relation: RELATION_PART_OF,
    inverse: RELATION_HAS_PART,
    defaultKind: 'System',
    allowedKinds: ['System'],
  },
  {
    field: 'dependencyOf',
    relation: RELATION_DEPENDENCY_OF,
    inverse: RELATION_DEPENDS_ON,
    defaultKind: 'Component',
  },
];

/** The reference fields of each kind, beyond owner, system and dependencyOf. */
const refFields: Record<LlmOpsEntity['kind'], RefField[]> = {
  Experiment: [
    {
      field: 'trainedOn',
      relation: R.trainedOn,
      inverse: R.trainingDataOf,
      defaultKind: 'Dataset',
      allowedKinds: ['Dataset'],
    },
  ],
  Model: [
    {
      field: 'producedBy',
      relation: R.producedBy,
      inverse: R.produces,
      defaultKind: 'Experiment',
      allowedKinds: ['Experiment', 'Pipeline'],
    },
  ],
  Endpoint: [
    {
      field: 'serves',
      relation: R.serves,
      inverse: R.servedBy,
      defaultKind: 'Model',
      allowedKinds: ['Model'],
    },
  ],
  Dataset: [],
  Pipeline: [
    {
      field: 'consumes',
      relation: R.consumes,
      inverse: R.consumedBy,
      defaultKind: 'Dataset',
      allowedKinds: ['Dataset', 'Model'],
    },
    {
      field: 'produces',
      relation: R.produces,
      inverse: R.producedBy,
      allowedKinds: ['Dataset', 'Experiment', 'Model'],
    },
  ],
};

/**
 * Validates the LLM Ops kinds (Experiment, Model, Endpoint, Dataset, Pipeline of apiVersion
 * llm-ops.io/v1alpha1) against their JSON Schemas, and turns their reference fields into catalog
 * relations in both directions: ownedBy/ownerOf, partOf/hasPart, dependencyOf/dependsOn,
 * trainedOn/trainingDataOf, producedBy/produces, serves/servedBy and consumes/consumedBy.
 *
 * A schema violation or a malformed reference throws, which the catalog records as a processing
 * error on that entity alone; other entities are processed as usual.
 *
 * @public
 */
export class LlmOpsEntitiesProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'LlmOpsEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    for (const kindValidator of llmOpsEntityValidators) {
      if (await kindValidator.check(entity)) {
        return true;
      }
    }
    return false;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isLlmOpsEntity(entity)) {
      return entity;
    }
    const selfRef = getCompoundEntityRef(entity);
    const spec = entity.spec as Record<string, unknown>;
    for (const field of [...common, ...refFields[entity.kind]]) {
      const value = spec[field.field];
      if (value === undefined || value === null) continue;
      const refs = Array.isArray(value) ? value : [value];
      for (const ref of refs) {
        const target = parseTarget(entity, selfRef, field, ref);
        emit(
          processingResult.relation({
            source: selfRef,
            type: field.relation,
            target,
          }),
        );
        emit(
          processingResult.relation({
            source: target,
            type: field.inverse,
            target: selfRef,
          }),
        );
      }
    }
    return entity;
  }
}

function parseTarget(
  entity: Entity,
  selfRef: CompoundEntityRef,
  field: RefField,
  ref: unknown,
): CompoundEntityRef {
  const where = `${entity.kind} '${entity.metadata.name}' spec.${field.field}`;
  if (typeof ref !== 'string' || ref.trim() === '') {
    throw new InputError(
      `${where} holds an empty or non-string entity reference`,
    );
  }
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: field.defaultKind,
      defaultNamespace: selfRef.namespace,
    });
    // parseEntityRef splits on ':' and '/' only; the parts must also be valid on their own.
    if (
      !validator.isValidKind(parsed.kind) ||
      !validator.isValidNamespace(parsed.namespace) ||
      !validator.isValidEntityName(parsed.name)
    ) {
      throw new Error(
        'kind, namespace or name is not in the format the catalog accepts',
      );
    }
  } catch (error) {
    throw new InputError(
      `${where} holds an invalid entity reference '${ref}': ${
        (error as Error).message
      }`,
    );
  }
  if (
    field.allowedKinds &&
    !field.allowedKinds.some(
      k =>
        k.toLocaleLowerCase('en-US') === parsed.kind.toLocaleLowerCase('en-US'),
    )
  ) {
    throw new InputError(
      `${where} refers to '${ref}', but it must be a reference to ${field.allowedKinds.join(
        ' or ',
      )}`,
    );
  }
  return {
    kind: parsed.kind,
    namespace: parsed.namespace,
    name: parsed.name,
  };
}
