import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ApiExperiment, WriteResult } from '../client/types';
import {
  checkpointed,
  clientFor,
  DRY_RUN_ID,
  idempotencyKey,
  setOutputs,
  type LlmOpsActionOptions,
} from '../lib/context';
import { assetLinks } from '../lib/links';
import { linkOutputs, queuedOutputs, reportQueued } from '../lib/outputs';
import {
  assetName,
  description,
  owner,
  parseInput,
  tags,
  tagsAsText,
  type Zod,
} from '../lib/validation';
import { examples } from './experimentCreate.examples';

const ID = 'llm-ops:experiment:create';

const input = {
  name: (z: Zod) =>
    assetName(
      z,
      'The experiment name, unique in llm-ops (also among deleted experiments).',
    ),
  description: (z: Zod) => description(z, 'experiment'),
  owner: (z: Zod) => owner(z, 'experiment'),
  tags: (z: Zod) => tags(z, 'experiment'),
  ifExists: (z: Zod) =>
    z
      .enum(['fail', 'reuse'], {
        description:
          'What to do when an experiment with this name exists: fail (default) or reuse it.',
      })
      .default('fail'),
};

const output = {
  experimentId: (z: Zod) =>
    z.string({
      description: `The llm-ops id of the experiment ("${DRY_RUN_ID}" in a dry run).`,
    }),
  name: (z: Zod) => z.string({ description: 'The experiment name.' }),
  created: (z: Zod) =>
    z.boolean({
      description:
        'False when an existing experiment was reused (ifExists: reuse).',
    }),
  ...linkOutputs('experiment'),
  ...queuedOutputs,
};

/**
 * `llm-ops:experiment:create`: creates an experiment in llm-ops (and its tracking tool, e.g.
 * MLflow), as the user who runs the template.
 *
 * @public
 */
export function createExperimentCreateAction(options: LlmOpsActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Creates an LLM Ops experiment (in the configured tracking tool, e.g. MLflow) as the user running the template. Reports "queued" when the tool is down and the write waits in the outbox.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const values = parseInput(ID, input, ctx.input);
      const api = await clientFor(options, ctx);

      if (ctx.isDryRun) {
        const existing = await api.getExperiment(values.name);
        if (existing && values.ifExists === 'fail') {
          throw new ConflictError(
            `Dry run: experiment '${values.name}' already exists, so this step would fail; choose another name or set ifExists: reuse`,
          );
        }
        ctx.logger.info(
          existing
            ? `Dry run: would reuse the existing experiment '${values.name}' (${existing.id})`
            : `Dry run: would create experiment '${values.name}'${
                values.owner ? ` owned by ${values.owner}` : ''
              } with ${Object.keys(values.tags ?? {}).length} tag(s)`,
        );
        const target = existing ?? { id: DRY_RUN_ID, name: values.name };
        setOutputs(ctx, {
          experimentId: target.id,
          name: values.name,
          created: !existing,
          ...assetLinks('experiment', target),
          queued: false,
        });
        return;
      }

      const result = await checkpointed(ctx, 'experiment-create', async () => {
        if (values.ifExists === 'reuse') {
          const existing = await api.getExperiment(values.name);
          if (existing) {
            ctx.logger.info(
              `Reusing the existing experiment '${values.name}' (${existing.id})`,
            );
            return {
              resource: existing,
              message: 'reused',
              created: false,
            };
          }
        }
        ctx.logger.info(`Creating experiment '${values.name}'`);
        const written = await api.createExperiment(
          {
            name: values.name,
            ...(values.description ? { description: values.description } : {}),
            ...(values.owner ? { owner: values.owner } : {}),
            ...(values.tags ? { tags: tagsAsText(values.tags) } : {}),
          },
          idempotencyKey(ctx, 'experiment-create'),
        );
        return { ...written, created: true } as WriteResult<ApiExperiment> & {
          created: boolean;
        };
      });

      const experiment = result.resource;
      const queued = reportQueued(
        ctx,
        `Experiment '${experiment.name}'`,
        result,
      );
      const links = assetLinks('experiment', experiment);
      if (result.created) {
        ctx.logger.info(
          `Experiment '${experiment.name}' created (${experiment.id}); catalog: ${links.catalogUrl}`,
        );
      }
      setOutputs(ctx, {
        experimentId: experiment.id,
        name: experiment.name,
        created: result.created,
        ...links,
        ...queued,
      });
    },
  });
}
