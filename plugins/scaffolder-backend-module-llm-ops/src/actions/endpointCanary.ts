import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { LlmOpsClient } from '../client/LlmOpsClient';
import type { ApiTrafficEntry } from '../client/types';
import {
  checkpointed,
  clientFor,
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
} from '../lib/traffic';
import {
  k8sReference,
  MODEL_VERSION,
  parseInput,
  type Zod,
} from '../lib/validation';
import { canaryExamples } from './endpointCanary.examples';

/** What can be done with an endpoint's canary. */
export type CanaryVerb = 'promote' | 'rollback';

/**
 * All that tells promote and rollback apart: the API call, which version keeps the traffic, and
 * the words that describe it. Both need the llm-ops.endpoint.promote permission.
 */
const VERBS: Record<
  CanaryVerb,
  {
    description: string;
    past: string;
    progressive: string;
    call: (api: LlmOpsClient, endpointId: string) => Promise<unknown>;
    keeps: (
      canary: ApiTrafficEntry,
      stable: ApiTrafficEntry,
    ) => ApiTrafficEntry;
  }
> = {
  promote: {
    description:
      'Promotes the canary of an LLM Ops endpoint: it becomes the stable version with all the traffic. Fails when there is no canary (or it is not the expected version). Needs the llm-ops.endpoint.promote permission of the user running the template.',
    past: 'promoted',
    progressive: 'Promoting',
    call: (api, endpointId) => api.promoteEndpoint(endpointId),
    keeps: canary => canary,
  },
  rollback: {
    description:
      'Rolls back the canary of an LLM Ops endpoint: the canary is removed and the stable version takes all the traffic again. Fails when there is no canary (or it is not the expected version). Needs the llm-ops.endpoint.promote permission of the user running the template.',
    past: 'rolled back',
    progressive: 'Rolling back',
    call: (api, endpointId) => api.rollbackEndpoint(endpointId),
    keeps: (_canary, stable) => stable,
  },
};

/**
 * `llm-ops:endpoint:<verb>`: acts on the canary of an endpoint, which must be there (and be the
 * expected version, when one is given); the version that keeps the traffic gets all of it.
 */
export function createEndpointCanaryAction(
  options: LlmOpsActionOptions,
  verb: CanaryVerb,
) {
  const id = `llm-ops:endpoint:${verb}`;
  const words = VERBS[verb];
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
        description: `The canary version that was ${words.past}.`,
      }),
    ...linkOutputs('endpoint'),
  };

  return createTemplateAction({
    id,
    description: words.description,
    examples: canaryExamples(verb),
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
        const keeps = words.keeps(canary, stable);
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
          `${words.progressive} the canary ${planned.canary} of endpoint '${values.endpoint}'`,
        );
        await words.call(api, planned.endpointId);
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

/**
 * `llm-ops:endpoint:promote`: the canary of an endpoint becomes its stable version with all the
 * traffic.
 *
 * @public
 */
export function createEndpointPromoteAction(options: LlmOpsActionOptions) {
  return createEndpointCanaryAction(options, 'promote');
}

/**
 * `llm-ops:endpoint:rollback`: removes the canary of an endpoint; its stable version takes all
 * the traffic again.
 *
 * @public
 */
export function createEndpointRollbackAction(options: LlmOpsActionOptions) {
  return createEndpointCanaryAction(options, 'rollback');
}
