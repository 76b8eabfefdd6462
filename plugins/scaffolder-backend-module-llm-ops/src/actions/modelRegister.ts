import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ApiModel, ApiModelVersion } from '../client/types';
import {
  checkpointed,
  clientFor,
  DRY_RUN_ID,
  idempotencyKey,
  setOutputs,
  type LlmOpsActionOptions,
} from '../lib/context';
import { assetLinks } from '../lib/links';
import { linkOutputs } from '../lib/outputs';
import {
  assetName,
  description,
  MODEL_ALIAS,
  owner,
  parseInput,
  refuse,
  RUN_ID,
  tags,
  tagsAsText,
  URI,
  URI_RULE,
  type Zod,
} from '../lib/validation';
import { examples } from './modelRegister.examples';

const ID = 'llm-ops:model:register';

const input = {
  model: (z: Zod) =>
    assetName(
      z,
      'The registered model name. The model is created when it does not exist yet.',
    ),
  runId: (z: Zod) =>
    z
      .string({
        description:
          'The llm-ops id of the run that produced the model; recorded as lineage (run produced model version).',
      })
      .regex(RUN_ID, {
        message:
          'must be an llm-ops run id: letters, digits, "_" and "-", at most 64 characters',
      }),
  artifactUri: (z: Zod) =>
    z
      .string({
        description: `Where the model artifacts are, e.g. runs:/<run>/model or s3://models/support-bot/3 (${URI_RULE}).`,
      })
      .regex(URI, { message: `must be ${URI_RULE}` }),
  description: (z: Zod) => description(z, 'model version'),
  alias: (z: Zod) =>
    z
      .string({
        description:
          'An alias to point at the new version, e.g. champion or candidate ("latest" is reserved).',
      })
      .regex(MODEL_ALIAS, {
        message:
          'must start with a letter and have only letters, digits, "_" and "-", at most 128 characters',
      })
      .optional(),
  owner: (z: Zod) => owner(z, 'model (used when it is created)'),
  tags: (z: Zod) => tags(z, 'model version'),
};

const output = {
  modelId: (z: Zod) =>
    z.string({
      description: `The llm-ops id of the model ("${DRY_RUN_ID}" in a dry run when it would be created).`,
    }),
  modelVersionId: (z: Zod) =>
    z.string({
      description: `The llm-ops id of the new model version ("${DRY_RUN_ID}" in a dry run).`,
    }),
  name: (z: Zod) => z.string({ description: 'The model name.' }),
  version: (z: Zod) =>
    z.string({
      description: 'The version number ("next" in a dry run).',
    }),
  alias: (z: Zod) =>
    z.string({ description: 'The alias now pointing at it.' }).optional(),
  modelCreated: (z: Zod) =>
    z.boolean({ description: 'Whether the model itself was created.' }),
  ...linkOutputs('model'),
};

/**
 * `llm-ops:model:register`: registers the next version of a model from a run's artifacts
 * (creating the model when it is new) and optionally points an alias at it.
 *
 * @public
 */
export function createModelRegisterAction(options: LlmOpsActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Registers a model version in LLM Ops from the artifacts of a run (creating the model when it is new) and optionally points an alias such as champion at it. Runs as the user running the template.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const values = parseInput(ID, input, ctx.input);
      if (values.alias === 'latest') {
        refuse(
          ID,
          '"alias": latest is reserved; it always means the newest version',
        );
      }
      const api = await clientFor(options, ctx);

      // The run must exist before anything is written: a model without its version helps no one.
      const run = await api.getRun(values.runId);
      if (!run) {
        throw new InputError(
          `There is no run '${values.runId}' in llm-ops; nothing was registered`,
        );
      }

      if (ctx.isDryRun) {
        const existing = await api.getModel(values.model);
        ctx.logger.info(
          `Dry run: would register the next version of ${
            existing ? 'the existing' : 'a new'
          } model '${values.model}' from run '${run.name}' (${run.id}) at ${
            values.artifactUri
          }${values.alias ? `, with the alias '${values.alias}'` : ''}`,
        );
        const target = existing ?? { id: DRY_RUN_ID, name: values.model };
        setOutputs(ctx, {
          modelId: target.id,
          modelVersionId: DRY_RUN_ID,
          name: values.model,
          version: 'next',
          alias: values.alias,
          modelCreated: !existing,
          ...assetLinks('model', target),
        });
        return;
      }

      const model = await checkpointed(ctx, 'model', async () => {
        const existing = await api.getModel(values.model);
        if (existing) return { resource: existing, created: false };
        ctx.logger.info(`Creating model '${values.model}'`);
        const written = await api.createModel(
          {
            name: values.model,
            ...(values.owner ? { owner: values.owner } : {}),
          },
          idempotencyKey(ctx, 'model-create'),
        );
        return { resource: written.resource as ApiModel, created: true };
      });

      const version = await checkpointed(ctx, 'model-version', async () => {
        ctx.logger.info(
          `Registering a version of model '${values.model}' from run '${run.name}'`,
        );
        const written = await api.createModelVersion(
          model.resource.id,
          {
            artifactUri: values.artifactUri,
            sourceRunId: run.id,
            ...(values.description ? { description: values.description } : {}),
            ...(values.tags ? { tags: tagsAsText(values.tags) } : {}),
          },
          idempotencyKey(ctx, 'model-version-create'),
        );
        return written.resource as ApiModelVersion;
      });

      if (values.alias) {
        const alias = values.alias;
        await checkpointed(ctx, 'model-alias', async () => {
          ctx.logger.info(
            `Pointing alias '${alias}' of model '${values.model}' at version ${version.version}`,
          );
          const written = await api.setModelAlias(
            model.resource.id,
            alias,
            version.version,
          );
          return written.resource.id;
        });
      }

      const links = assetLinks('model', model.resource);
      ctx.logger.info(
        `Model '${model.resource.name}' version ${version.version} registered (${version.id}); catalog: ${links.catalogUrl}`,
      );
      setOutputs(ctx, {
        modelId: model.resource.id,
        modelVersionId: version.id,
        name: model.resource.name,
        version: version.version,
        alias: values.alias,
        modelCreated: model.created,
        ...links,
        ...(version.source?.url ? { sourceUrl: version.source.url } : {}),
      });
    },
  });
}
