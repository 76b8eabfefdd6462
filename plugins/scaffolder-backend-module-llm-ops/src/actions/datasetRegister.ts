import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ApiDataset, ApiDatasetVersion } from '../client/types';
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
import { normalizeRepoUrl, REPO_URL, REPO_URL_RULE } from '../lib/repoUrl';
import {
  assetName,
  DATASET_VERSION,
  description,
  DIGEST,
  FORMAT,
  owner,
  parseInput,
  refuse,
  REPO_PATH,
  REVISION,
  tags,
  tagsAsText,
  URI,
  URI_RULE,
  type Zod,
} from '../lib/validation';
import { examples } from './datasetRegister.examples';

const ID = 'llm-ops:dataset:register';

const input = {
  name: (z: Zod) =>
    assetName(
      z,
      'The dataset name. The dataset is created when it does not exist yet; otherwise the version is added to it.',
    ),
  description: (z: Zod) => description(z, 'dataset (used when it is created)'),
  owner: (z: Zod) => owner(z, 'dataset (used when it is created)'),
  tags: (z: Zod) => tags(z, 'dataset (used when it is created)'),
  version: (z: Zod) =>
    z
      .string({
        description:
          'The version label, unique per dataset (letters, digits, ".", "_", "-"); the next unused number when omitted.',
      })
      .regex(DATASET_VERSION, {
        message:
          'must be letters, digits, ".", "_" and "-", at most 128 characters, starting with a letter or digit',
      })
      .optional(),
  uri: (z: Zod) =>
    z
      .string({
        description: `Where the data of this version is, e.g. s3://datasets/support-tickets/v3 (${URI_RULE}).`,
      })
      .regex(URI, { message: `must be ${URI_RULE}` }),
  digest: (z: Zod) =>
    z
      .string({
        description:
          'A content digest, e.g. the md5 of the .dvc file: md5:0123abcd… or 0123abcd….dir.',
      })
      .regex(DIGEST, {
        message:
          'must be letters, digits and ":._+=-", at most 512 characters, e.g. md5:0123abcd',
      })
      .optional(),
  sizeBytes: (z: Zod) =>
    z
      .number({ description: 'The size of the data in bytes.' })
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional(),
  fileCount: (z: Zod) =>
    z
      .number({ description: 'How many files the version has.' })
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional(),
  format: (z: Zod) =>
    z
      .string({ description: 'The file format, e.g. parquet, jsonl or csv.' })
      .regex(FORMAT, {
        message: 'must be letters, digits and "._+-", at most 64 characters',
      })
      .optional(),
  repoUrl: (z: Zod) =>
    z
      .string({
        description: `The repository where DVC tracks the dataset: ${REPO_URL_RULE}.`,
      })
      .max(2048)
      .regex(REPO_URL, { message: `must be ${REPO_URL_RULE}` })
      .optional(),
  path: (z: Zod) =>
    z
      .string({
        description:
          'The DVC-tracked path inside the repository, e.g. data/support-tickets (no leading "/", no "..").',
      })
      .max(4096)
      .regex(REPO_PATH, {
        message:
          'must be a relative path of letters, digits and "._@+=,-" segments, without ".." or a leading "/"',
      })
      .optional(),
  revision: (z: Zod) =>
    z
      .string({
        description:
          'The git revision (branch, tag or commit) of the version, e.g. a commit SHA.',
      })
      .regex(REVISION, {
        message:
          'must be a branch, tag or commit: letters, digits, "._/-", at most 255 characters, without ".."',
      })
      .optional(),
};

const output = {
  datasetId: (z: Zod) =>
    z.string({
      description: `The llm-ops id of the dataset ("${DRY_RUN_ID}" in a dry run when it would be created).`,
    }),
  datasetVersionId: (z: Zod) =>
    z.string({
      description: `The llm-ops id of the new version ("${DRY_RUN_ID}" in a dry run).`,
    }),
  name: (z: Zod) => z.string({ description: 'The dataset name.' }),
  version: (z: Zod) =>
    z.string({
      description: 'The version label (in a dry run without a label, "next").',
    }),
  datasetCreated: (z: Zod) =>
    z.boolean({ description: 'Whether the dataset itself was created.' }),
  ...linkOutputs('dataset'),
};

/**
 * `llm-ops:dataset:register`: records a dataset version (where the data is, its digest, size and
 * format, and the repository path and revision where DVC tracks it), creating the dataset when
 * it is new.
 *
 * @public
 */
export function createDatasetRegisterAction(options: LlmOpsActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Registers a dataset version in LLM Ops (URI, digest, size, format and the DVC-tracked repository path and revision), creating the dataset when it is new. Runs as the user running the template.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const values = parseInput(ID, input, ctx.input);
      if ((values.path || values.revision) && !values.repoUrl) {
        refuse(ID, '"path" and "revision" need "repoUrl"');
      }
      const repository = values.repoUrl
        ? normalizeRepoUrl(values.repoUrl)
        : undefined;
      const api = await clientFor(options, ctx);
      const where = repository
        ? ` from ${repository}${values.path ? `/${values.path}` : ''}${
            values.revision ? `@${values.revision}` : ''
          }`
        : '';

      if (ctx.isDryRun) {
        const existing = await api.getDataset(values.name);
        if (existing && values.version) {
          const taken = await api.getDatasetVersion(
            existing.id,
            values.version,
          );
          if (taken) {
            throw new ConflictError(
              `Dry run: dataset '${values.name}' already has a version '${values.version}', so this step would fail`,
            );
          }
        }
        const label = values.version ? `'${values.version}'` : '(next number)';
        ctx.logger.info(
          existing
            ? `Dry run: would add a version ${label} to the existing dataset '${values.name}', at ${values.uri}${where}`
            : `Dry run: would create dataset '${values.name}' with a version ${label}, at ${values.uri}${where}`,
        );
        const target = existing ?? { id: DRY_RUN_ID, name: values.name };
        setOutputs(ctx, {
          datasetId: target.id,
          datasetVersionId: DRY_RUN_ID,
          name: values.name,
          version: values.version ?? 'next',
          datasetCreated: !existing,
          ...assetLinks('dataset', target),
        });
        return;
      }

      const dataset = await checkpointed(ctx, 'dataset', async () => {
        const existing = await api.getDataset(values.name);
        if (existing) {
          return { resource: existing, created: false };
        }
        ctx.logger.info(`Creating dataset '${values.name}'`);
        const written = await api.createDataset(
          {
            name: values.name,
            ...(values.description ? { description: values.description } : {}),
            ...(values.owner ? { owner: values.owner } : {}),
            ...(values.tags ? { tags: tagsAsText(values.tags) } : {}),
          },
          idempotencyKey(ctx, 'dataset-create'),
        );
        return { resource: written.resource as ApiDataset, created: true };
      });

      const version = await checkpointed(ctx, 'dataset-version', async () => {
        ctx.logger.info(
          `Registering a version of dataset '${values.name}' at ${values.uri}${where}`,
        );
        const written = await api.createDatasetVersion(
          dataset.resource.id,
          {
            uri: values.uri,
            ...(values.version ? { version: values.version } : {}),
            ...(values.digest ? { digest: values.digest } : {}),
            ...(values.sizeBytes !== undefined
              ? { sizeBytes: values.sizeBytes }
              : {}),
            ...(values.fileCount !== undefined
              ? { fileCount: values.fileCount }
              : {}),
            ...(values.format ? { format: values.format } : {}),
            ...(repository
              ? {
                  sourceRepository: {
                    repository,
                    path: values.path ?? null,
                    revision: values.revision ?? null,
                  },
                }
              : {}),
          },
          idempotencyKey(ctx, 'dataset-version-create'),
        );
        return written.resource as ApiDatasetVersion;
      });

      const links = assetLinks('dataset', dataset.resource);
      ctx.logger.info(
        `Dataset '${dataset.resource.name}' version ${version.version} registered (${version.id}); catalog: ${links.catalogUrl}`,
      );
      setOutputs(ctx, {
        datasetId: dataset.resource.id,
        datasetVersionId: version.id,
        name: dataset.resource.name,
        version: version.version,
        datasetCreated: dataset.created,
        ...links,
        ...(version.source?.url ? { sourceUrl: version.source.url } : {}),
      });
    },
  });
}
