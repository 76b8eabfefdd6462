import { ConflictError, InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import {
  checkpointed,
  clientFor,
  resolveAssetReference,
  setOutputs,
  type LlmOpsActionOptions,
} from './context';
import { assetLinks } from './links';
import { linkOutputs } from './outputs';
import {
  canaryOf,
  describeTraffic,
  endpointOutputs,
  stableOf,
  trafficOutput,
} from './traffic';
import {
  k8sReference,
  MODEL_VERSION,
  parseInput,
  type Zod,
} from './validation';

/**
 * What promote and rollback share: both act on an endpoint's canary, need the
 * llm-ops.endpoint.promote permission, and differ only in which version keeps the traffic.
 */
export function createCanaryAction(
  options: LlmOpsActionOptions,
  spec: {
    id: string;
    verb: 'promote' | 'rollback';
    description: string;
    examples: TemplateExample[];
  },
) {
  const { id, verb } = spec;
  const input = {
    endpoint: (z: Zod) =>
      k8sReference(z, `The endpoint whose canary to ${verb}.`),
    expectedCanaryVersion: (z: Zod) =>
      z
        .union([
          z.string().regex(MODEL_VERSION, {
            message: 'must be a version number such as 4',
          }),
          z.number().int().positive(),
        ])
        .describe(
          `Only ${verb} when the canary is this model version, so that a step written for one rollout never acts on another.`,
        )
        .optional(),
  };
  const output = {
    ...endpointOutputs,
    modelName: (z: Zod) =>
      z.string({
        description: 'The model of the version that now takes all the traffic.',
      }),
    version: (z: Zod) =>
      z.string({ description: 'The version that now takes all the traffic.' }),
    previousCanaryVersion: (z: Zod) =>
      z.string({
        description: `The canary version that was ${
          verb === 'promote' ? 'promoted' : 'rolled back'
        }.`,
      }),
    ...linkOutputs('endpoint'),
  };

  return createTemplateAction({
    id,
    description: spec.description,
    examples: spec.examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const values = parseInput(id, input, ctx.input);
      const api = await clientFor(options, ctx);
      const reference = await resolveAssetReference(
        options,
        ctx,
        'endpoint',
        values.endpoint,
      );

      /** The canary and the version that keeps the traffic; throws when there is no canary. */
      const plan = async () => {
        const endpoint = await api.getEndpoint(reference);
        if (!endpoint) {
          throw new InputError(`There is no endpoint '${values.endpoint}'`);
        }
        const canary = canaryOf(endpoint);
        const stable = stableOf(endpoint);
        if (!canary || !stable) {
          throw new ConflictError(
            `Endpoint '${
              endpoint.name
            }' has no canary to ${verb}; it serves ${describeTraffic(
              trafficOutput(endpoint.desired.traffic),
            )}`,
          );
        }
        if (
          values.expectedCanaryVersion !== undefined &&
          String(values.expectedCanaryVersion) !== canary.version
        ) {
          throw new ConflictError(
            `The canary of endpoint '${endpoint.name}' is ${canary.modelName} v${canary.version}, not v${values.expectedCanaryVersion}; nothing was changed`,
          );
        }
        const keeps = verb === 'promote' ? canary : stable;
        return {
          endpointId: endpoint.id,
          canary: `${canary.modelName} v${canary.version} (${canary.percent}%)`,
          canaryVersion: canary.version,
          keeps: { modelName: keeps.modelName, version: keeps.version },
        };
      };

      if (ctx.isDryRun) {
        const planned = await plan();
        const endpoint = (await api.getEndpoint(planned.endpointId))!;
        ctx.logger.info(
          `Dry run: would ${verb} the canary ${planned.canary} of endpoint '${endpoint.name}'; ${planned.keeps.modelName} v${planned.keeps.version} would take all the traffic`,
        );
        setOutputs(ctx, {
          endpointId: endpoint.id,
          endpointName: endpoint.name,
          traffic: [{ ...planned.keeps, percent: 100, role: 'stable' }],
          state: endpoint.observed.state,
          endpointUrl: endpoint.url ?? undefined,
          modelName: planned.keeps.modelName,
          version: planned.keeps.version,
          previousCanaryVersion: planned.canaryVersion,
          ...assetLinks('endpoint', endpoint),
        });
        return;
      }

      const done = await checkpointed(ctx, `endpoint-${verb}`, async () => {
        const planned = await plan();
        ctx.logger.info(
          `${verb === 'promote' ? 'Promoting' : 'Rolling back'} the canary ${
            planned.canary
          } of endpoint '${values.endpoint}'`,
        );
        if (verb === 'promote') await api.promoteEndpoint(planned.endpointId);
        else await api.rollbackEndpoint(planned.endpointId);
        return planned;
      });

      const endpoint = (await api.getEndpoint(done.endpointId))!;
      const traffic = trafficOutput(endpoint.desired.traffic);
      const links = assetLinks('endpoint', endpoint);
      ctx.logger.info(
        `Endpoint '${endpoint.name}' serves ${describeTraffic(
          traffic,
        )}; catalog: ${links.catalogUrl}`,
      );
      setOutputs(ctx, {
        endpointId: endpoint.id,
        endpointName: endpoint.name,
        traffic,
        state: endpoint.observed.state,
        endpointUrl: endpoint.url ?? undefined,
        modelName: done.keeps.modelName,
        version: done.keeps.version,
        previousCanaryVersion: done.canaryVersion,
        ...links,
      });
    },
  });
}
