import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ApiEndpoint, ApiModelVersion } from '../client/types';
import type { LlmOpsClient } from '../client/LlmOpsClient';
import {
  checkpointed,
  clientFor,
  DRY_RUN_ID,
  idempotencyKey,
  resolveAssetReference,
  setOutputs,
  type LlmOpsActionOptions,
} from '../lib/context';
import { assetLinks } from '../lib/links';
import { linkOutputs } from '../lib/outputs';
import {
  canaryOf,
  describeTraffic,
  endpointOutputs,
  stableOf,
  trafficOutput,
  type TrafficOutput,
} from '../lib/traffic';
import {
  assetReference,
  description,
  DNS_SUBDOMAIN,
  DNS_SUBDOMAIN_RULE,
  k8sName,
  MODEL_ALIAS,
  MODEL_VERSION,
  owner,
  parseInput,
  refuse,
  type Zod,
} from '../lib/validation';
import { examples } from './endpointDeploy.examples';

const ID = 'llm-ops:endpoint:deploy';

const replicas = (z: Zod, what: string) =>
  z
    .number({ description: what })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be at least 0' })
    .max(100, { message: 'must be at most 100' })
    .optional();

const input = {
  model: (z: Zod) =>
    assetReference(z, 'The model to serve (EntityPicker with kind Model).'),
  version: (z: Zod) =>
    z
      .union([
        z.string().regex(MODEL_VERSION, {
          message: 'must be a version number such as 3',
        }),
        z.number().int().positive(),
        z.literal(''),
      ])
      .describe(
        'The model version number to serve, e.g. 3. Give this or alias (an empty value counts as not given).',
      )
      .optional(),
  alias: (z: Zod) =>
    z
      .union([
        z.string().regex(MODEL_ALIAS, {
          message:
            'must start with a letter and have only letters, digits, "_" and "-"',
        }),
        z.literal(''),
      ])
      .describe(
        'The alias of the version to serve, e.g. champion, or latest for the newest version. Give this or version (an empty value counts as not given).',
      )
      .optional(),
  endpoint: (z: Zod) =>
    k8sName(
      z,
      'The endpoint name; it names the serving object in the cluster (e.g. the KServe InferenceService). Created when missing.',
    ),
  runtime: (z: Zod) =>
    z.enum(['kserve', 'ray-serve', 'builtin'], {
      description:
        'Where the endpoint is served: kserve, ray-serve or builtin (the llm-ops store itself, for trying things out).',
    }),
  cluster: (z: Zod) =>
    z
      .string({
        description: `The cluster to serve on (${DNS_SUBDOMAIN_RULE}).`,
      })
      .regex(DNS_SUBDOMAIN, { message: `must be ${DNS_SUBDOMAIN_RULE}` })
      .optional(),
  namespace: (z: Zod) =>
    k8sName(z, 'The Kubernetes namespace to serve in.').optional(),
  minReplicas: (z: Zod) =>
    replicas(z, 'The fewest replicas, 0 to 100 (0 scales to zero). Default 1.'),
  maxReplicas: (z: Zod) =>
    replicas(
      z,
      'The most replicas, 0 to 100, at least minReplicas. Default the larger of minReplicas and 1.',
    ),
  canaryPercent: (z: Zod) =>
    z
      .number({
        description:
          'Roll the version out as a canary taking this share of the traffic (1 to 99) next to the current stable version. Without it the version takes all the traffic.',
      })
      .int({ message: 'must be a whole number' })
      .min(1, { message: 'must be at least 1' })
      .max(99, { message: 'must be at most 99' })
      .optional(),
  description: (z: Zod) => description(z, 'endpoint (used when it is created)'),
  owner: (z: Zod) => owner(z, 'endpoint (used when it is created)'),
  url: (z: Zod) =>
    z
      .string({
        description:
          'The URL the endpoint serves at, for the builtin runtime (KServe and Ray Serve report their own). Used when the endpoint is created.',
      })
      .max(2048)
      .regex(/^https?:\/\/[^\s"'`<>{}|\\^$]+$/, {
        message: 'must be an http(s) URL without spaces, quotes or braces',
      })
      .optional(),
};

const output = {
  ...endpointOutputs,
  modelVersionId: (z: Zod) =>
    z.string({ description: 'The llm-ops id of the deployed model version.' }),
  modelName: (z: Zod) => z.string({ description: 'The model name.' }),
  version: (z: Zod) =>
    z.string({ description: 'The deployed version number.' }),
  canaryPercent: (z: Zod) =>
    z
      .number({ description: 'The canary share, when deployed as a canary.' })
      .optional(),
  created: (z: Zod) =>
    z.boolean({ description: 'Whether the endpoint was created.' }),
  ...linkOutputs('endpoint'),
};

type Values = ReturnType<typeof parseValues>;

function parseValues(raw: unknown) {
  const parsed = parseInput(ID, input, raw);
  // Templates that offer "version or alias" leave the other one empty.
  const values = {
    ...parsed,
    version: parsed.version === '' ? undefined : parsed.version,
    alias: parsed.alias === '' ? undefined : parsed.alias,
  };
  if ((values.version === undefined) === (values.alias === undefined)) {
    refuse(ID, 'give exactly one of "version" and "alias"');
  }
  if (
    values.minReplicas !== undefined &&
    values.maxReplicas !== undefined &&
    values.minReplicas > values.maxReplicas
  ) {
    refuse(
      ID,
      `"minReplicas" (${values.minReplicas}) is larger than "maxReplicas" (${values.maxReplicas})`,
    );
  }
  return values;
}

/** Whether the endpoint already serves the version as asked (a retry finds it done). */
function alreadyServes(
  endpoint: ApiEndpoint,
  version: ApiModelVersion,
  canaryPercent: number | undefined,
): boolean {
  if (canaryPercent === undefined) {
    const [only] = endpoint.desired.traffic;
    return (
      endpoint.desired.traffic.length === 1 &&
      only.modelVersionId === version.id &&
      only.percent === 100
    );
  }
  const canary = canaryOf(endpoint);
  return (
    canary?.modelVersionId === version.id && canary.percent === canaryPercent
  );
}

/** Checks the request against the endpoint as it is; throws before anything is written. */
function checkAgainst(
  existing: ApiEndpoint | undefined,
  values: Values,
  version: ApiModelVersion,
) {
  const label = `${version.modelName} v${version.version}`;
  if (!existing) {
    if (values.canaryPercent !== undefined) {
      throw new InputError(
        `Endpoint '${values.endpoint}' does not exist, so it has no stable version to run a canary of ${label} next to; deploy without canaryPercent first`,
      );
    }
    return;
  }
  if (existing.runtime !== values.runtime) {
    throw new InputError(
      `Endpoint '${values.endpoint}' runs on ${existing.runtime}, not ${values.runtime}; a deploy does not move an endpoint`,
    );
  }
  for (const key of ['cluster', 'namespace'] as const) {
    if (values[key] !== undefined && values[key] !== existing[key]) {
      throw new InputError(
        `Endpoint '${values.endpoint}' is in ${key} '${
          existing[key] ?? '(none)'
        }', not '${values[key]}'; a deploy does not move an endpoint`,
      );
    }
  }
  const min = values.minReplicas ?? existing.desired.minReplicas;
  const max = values.maxReplicas ?? existing.desired.maxReplicas;
  if (min > max) {
    throw new InputError(
      `Endpoint '${values.endpoint}' would get minReplicas ${min} above maxReplicas ${max}`,
    );
  }
  if (values.canaryPercent !== undefined) {
    const stable = stableOf(existing);
    if (!stable) {
      throw new InputError(
        `Endpoint '${values.endpoint}' has no stable version to run a canary of ${label} next to; deploy without canaryPercent first`,
      );
    }
    if (stable.modelVersionId === version.id) {
      throw new InputError(
        `${label} already is the stable version of endpoint '${values.endpoint}'; a canary must be another version`,
      );
    }
  }
}

/** The traffic a deploy leads to, for the dry run. */
function plannedTraffic(
  existing: ApiEndpoint | undefined,
  version: ApiModelVersion,
  canaryPercent: number | undefined,
): TrafficOutput {
  const target = { modelName: version.modelName, version: version.version };
  if (canaryPercent === undefined || !existing) {
    return [{ ...target, percent: 100, role: 'stable' }];
  }
  const stable = stableOf(existing)!;
  return [
    {
      modelName: stable.modelName,
      version: stable.version,
      percent: 100 - canaryPercent,
      role: 'stable',
    },
    { ...target, percent: canaryPercent, role: 'canary' },
  ];
}

function labelOf(version: ApiModelVersion, values: Values): string {
  return `${version.modelName} v${version.version}${
    values.alias ? ` (alias ${values.alias})` : ''
  }`;
}

async function resolveVersion(
  api: LlmOpsClient,
  model: string,
  values: Values,
): Promise<ApiModelVersion> {
  const version =
    values.version !== undefined
      ? await api.getModelVersion(model, String(values.version))
      : await api.getModelVersionByAlias(model, values.alias!);
  if (!version) {
    throw new InputError(
      values.version !== undefined
        ? `Model '${model}' has no version ${values.version} (or the model does not exist)`
        : `Model '${model}' has no alias '${values.alias}' (or the model does not exist)`,
    );
  }
  return version;
}

/**
 * `llm-ops:endpoint:deploy`: serves a model version (by number or alias) at an endpoint,
 * creating the endpoint when it is missing, either with all the traffic or as a canary.
 *
 * @public
 */
export function createEndpointDeployAction(options: LlmOpsActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Deploys a model version (by number or alias) to an LLM Ops serving endpoint on kserve, ray-serve or builtin, creating the endpoint when missing; optionally as a canary taking 1 to 99 percent of the traffic. Needs the llm-ops.endpoint.deploy permission of the user running the template.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const values = parseValues(ctx.input);
      const api = await clientFor(options, ctx);
      const model = await resolveAssetReference(
        options,
        ctx,
        'model',
        values.model,
      );
      if (ctx.isDryRun) {
        const version = await resolveVersion(api, model, values);
        const label = labelOf(version, values);
        const existing = await api.getEndpoint(values.endpoint);
        checkAgainst(existing, values, version);
        const traffic = plannedTraffic(existing, version, values.canaryPercent);
        const steps = [
          existing
            ? `use the existing endpoint '${values.endpoint}' on ${existing.runtime}`
            : `create endpoint '${values.endpoint}' on ${values.runtime}${
                values.namespace ? ` in namespace ${values.namespace}` : ''
              }`,
          existing && alreadyServes(existing, version, values.canaryPercent)
            ? `leave the traffic as it is (it already serves ${label})`
            : `serve ${describeTraffic(traffic)}`,
        ];
        ctx.logger.info(`Dry run: would ${steps.join(', then ')}`);
        const target = existing ?? { id: DRY_RUN_ID, name: values.endpoint };
        setOutputs(ctx, {
          endpointId: target.id,
          endpointName: values.endpoint,
          traffic,
          state: existing?.observed.state ?? 'Unknown',
          endpointUrl: existing?.url ?? values.url,
          modelVersionId: version.id,
          modelName: version.modelName,
          version: version.version,
          canaryPercent: values.canaryPercent,
          created: !existing,
          ...assetLinks('endpoint', target),
        });
        return;
      }

      // Which version an alias means is settled once: a retried task deploys the same one even
      // if the alias has moved since.
      const version = await checkpointed(ctx, 'model-version', () =>
        resolveVersion(api, model, values),
      );
      const label = labelOf(version, values);

      // The checks run inside the first checkpoint, against the endpoint as it is before this
      // step changes it; a retried task skips them along with the writes it already made.
      const created = await checkpointed(ctx, 'endpoint-create', async () => {
        const current = await api.getEndpoint(values.endpoint);
        checkAgainst(current, values, version);
        if (current) return { id: current.id, created: false };
        ctx.logger.info(
          `Creating endpoint '${values.endpoint}' on ${values.runtime} serving ${label}`,
        );
        const written = await api.createEndpoint(
          {
            name: values.endpoint,
            runtime: values.runtime,
            modelVersionId: version.id,
            ...(values.cluster ? { cluster: values.cluster } : {}),
            ...(values.namespace ? { namespace: values.namespace } : {}),
            ...(values.minReplicas !== undefined
              ? { minReplicas: values.minReplicas }
              : {}),
            ...(values.maxReplicas !== undefined
              ? { maxReplicas: values.maxReplicas }
              : {}),
            ...(values.description ? { description: values.description } : {}),
            ...(values.owner ? { owner: values.owner } : {}),
            ...(values.url ? { url: values.url } : {}),
          },
          idempotencyKey(ctx, 'endpoint-create'),
        );
        return { id: written.resource.id, created: true };
      });

      if (!created.created) {
        await checkpointed(ctx, 'endpoint-scale', async () => {
          const current = (await api.getEndpoint(created.id))!;
          const patch = {
            ...(values.minReplicas !== undefined &&
            values.minReplicas !== current.desired.minReplicas
              ? { minReplicas: values.minReplicas }
              : {}),
            ...(values.maxReplicas !== undefined &&
            values.maxReplicas !== current.desired.maxReplicas
              ? { maxReplicas: values.maxReplicas }
              : {}),
          };
          if (Object.keys(patch).length === 0) return false;
          ctx.logger.info(
            `Scaling endpoint '${values.endpoint}' to ${
              values.minReplicas ?? current.desired.minReplicas
            }-${values.maxReplicas ?? current.desired.maxReplicas} replicas`,
          );
          await api.updateEndpoint(created.id, patch);
          return true;
        });
      }

      await checkpointed(ctx, 'endpoint-deploy', async () => {
        const current = (await api.getEndpoint(created.id))!;
        if (alreadyServes(current, version, values.canaryPercent)) {
          return false;
        }
        ctx.logger.info(
          `Deploying ${label} to endpoint '${values.endpoint}'${
            values.canaryPercent !== undefined
              ? ` as a canary taking ${values.canaryPercent}% of the traffic`
              : ' with all the traffic'
          }`,
        );
        await api.deployEndpoint(created.id, {
          modelVersionId: version.id,
          ...(values.canaryPercent !== undefined
            ? { canaryPercent: values.canaryPercent }
            : {}),
        });
        return true;
      });

      const endpoint = (await api.getEndpoint(created.id))!;
      const traffic = trafficOutput(endpoint.desired.traffic);
      const links = assetLinks('endpoint', endpoint);
      ctx.logger.info(
        `Endpoint '${endpoint.name}' serves ${describeTraffic(
          traffic,
        )}; state ${endpoint.observed.state}${
          endpoint.url ? `; URL ${endpoint.url}` : ''
        }; catalog: ${links.catalogUrl}`,
      );
      setOutputs(ctx, {
        endpointId: endpoint.id,
        endpointName: endpoint.name,
        traffic,
        state: endpoint.observed.state,
        endpointUrl: endpoint.url ?? undefined,
        modelVersionId: version.id,
        modelName: version.modelName,
        version: version.version,
        canaryPercent: values.canaryPercent,
        created: created.created,
        ...links,
      });
    },
  });
}
