import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type ActionContext,
} from '@backstage/plugin-scaffolder-node';
import { parseEntityRef } from '@backstage/catalog-model';
import type { LlmOpsClient } from '../client/LlmOpsClient';
import type {
  ApiPipeline,
  ApiPipelineRun,
  PipelineRunPhase,
} from '../client/types';
import {
  checkpointed,
  clientFor,
  DRY_RUN_ID,
  idempotencyKey,
  resolveAssetReference,
  setOutputs,
  type LlmOpsActionOptions,
} from '../lib/context';
import { assetLinks, type AssetKind } from '../lib/links';
import { linkOutputs } from '../lib/outputs';
import {
  DNS_SUBDOMAIN,
  DNS_SUBDOMAIN_RULE,
  ENTITY_REF,
  k8sReference,
  PARAMETER_NAME,
  parseInput,
  refuse,
  SAFE_TEXT,
  SAFE_TEXT_RULE,
  type Zod,
} from '../lib/validation';
import { examples } from './pipelineSubmit.examples';

const ID = 'llm-ops:pipeline:submit';

const FINISHED: ReadonlySet<PipelineRunPhase> = new Set([
  'Succeeded',
  'Failed',
  'Error',
]);

/** Kinds whose entity refs a parameter may name; the run gets the asset's llm-ops name. */
const PARAMETER_ASSET_KINDS: ReadonlySet<string> = new Set([
  'model',
  'dataset',
  'experiment',
]);

const parameterName = (z: Zod) =>
  z.string().regex(PARAMETER_NAME, {
    message:
      'parameter names are letters, digits, "-", "_" and ".", at most 128 characters',
  });

const input = {
  pipeline: (z: Zod) => k8sReference(z, 'The pipeline to run.'),
  runName: (z: Zod) =>
    z
      .string({
        description: `A name for the run (${DNS_SUBDOMAIN_RULE}); the pipeline name and a random suffix when omitted.`,
      })
      .regex(DNS_SUBDOMAIN, { message: `must be ${DNS_SUBDOMAIN_RULE}` })
      .optional(),
  parameters: (z: Zod) =>
    z
      .record(
        parameterName(z),
        z.union([
          z
            .string()
            .max(10000)
            .regex(SAFE_TEXT, { message: `must be ${SAFE_TEXT_RULE}` }),
          z.number(),
          z.boolean(),
        ]),
        {
          description:
            'Parameter values by name (numbers and booleans are sent as text). Names the pipeline does not declare are refused; the rest take their defaults.',
        },
      )
      .refine(value => Object.keys(value).length <= 100, {
        message: 'at most 100 parameters',
      })
      .optional(),
  assetParameters: (z: Zod) =>
    z
      .record(
        parameterName(z),
        z.string().max(255).regex(ENTITY_REF, {
          message:
            'must be a catalog entity ref such as dataset:default/support-tickets',
        }),
        {
          description:
            'Parameters whose values are catalog entity refs of LLM Ops models, datasets or experiments (what EntityPicker returns); the run gets the llm-ops name of each.',
        },
      )
      .optional(),
  waitForCompletion: (z: Zod) =>
    z
      .boolean({
        description:
          'Wait for the run to finish, writing its progress to the task log; the step fails when the run fails or the timeout passes.',
      })
      .default(false),
  timeoutSeconds: (z: Zod) =>
    z
      .number({
        description:
          'How long to wait for the run with waitForCompletion, 1 to 86400 seconds (default 3600). The run goes on after a timeout.',
      })
      .int()
      .min(1)
      .max(86400)
      .default(3600),
  pollIntervalSeconds: (z: Zod) =>
    z
      .number({
        description:
          'How often to check the run with waitForCompletion, 1 to 300 seconds (default 10).',
      })
      .int()
      .min(1)
      .max(300)
      .default(10),
};

const output = {
  runId: (z: Zod) =>
    z.string({
      description: `The llm-ops id of the pipeline run ("${DRY_RUN_ID}" in a dry run).`,
    }),
  runName: (z: Zod) => z.string({ description: 'The run name.' }),
  pipelineId: (z: Zod) =>
    z.string({ description: 'The llm-ops id of the pipeline.' }),
  pipelineName: (z: Zod) => z.string({ description: 'The pipeline name.' }),
  phase: (z: Zod) =>
    z.string({
      description:
        'The phase of the run: Pending or Running after a submit; Succeeded when waited for.',
    }),
  progress: (z: Zod) =>
    z
      .string({ description: 'Finished steps over all steps, e.g. 3/5.' })
      .optional(),
  ...linkOutputs('pipeline'),
};

/** One line of progress for the task log. */
export function progressLine(run: ApiPipelineRun): string {
  const nodes = run.nodes
    .filter(n => n.type !== 'DAG' && n.type !== 'Steps')
    .slice(0, 20)
    .map(n => `${n.displayName}: ${n.phase}`);
  return `Pipeline run '${run.name}': ${run.phase}${
    run.progress ? `, ${run.progress} steps done` : ''
  }${nodes.length ? ` (${nodes.join(', ')})` : ''}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('The task was cancelled'));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('The task was cancelled'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Refuses parameters the pipeline does not declare, before anything is submitted. */
function checkDeclared(
  pipeline: ApiPipeline,
  parameters: Record<string, string>,
) {
  const declared = Object.keys(pipeline.parameters);
  const unknown = Object.keys(parameters).filter(
    name => !declared.includes(name),
  );
  if (unknown.length > 0) {
    throw new InputError(
      `Pipeline '${pipeline.name}' does not declare the parameter(s) ${unknown
        .map(n => `'${n}'`)
        .join(', ')}; it declares ${
        declared.length ? declared.map(n => `'${n}'`).join(', ') : 'none'
      }. Nothing was submitted`,
    );
  }
}

/**
 * The llm-ops name of the model, dataset or experiment an entity ref (from EntityPicker) points
 * at: what a pipeline parameter should carry.
 */
async function assetNameOf(
  options: LlmOpsActionOptions,
  ctx: ActionContext<any, any>,
  api: LlmOpsClient,
  ref: string,
): Promise<string> {
  const kind = ref.includes(':')
    ? parseEntityRef(ref).kind.toLocaleLowerCase('en-US')
    : '';
  if (!PARAMETER_ASSET_KINDS.has(kind)) {
    throw new InputError(
      `Invalid input to ${ID}, nothing was done: asset parameter '${ref}' must be an entity ref of a model, dataset or experiment, e.g. dataset:default/support-tickets`,
    );
  }
  const id = await resolveAssetReference(options, ctx, kind as AssetKind, ref);
  const read = {
    model: () => api.getModel(id),
    dataset: () => api.getDataset(id),
    experiment: () => api.getExperiment(id),
  }[kind as 'model' | 'dataset' | 'experiment'];
  const asset = await read();
  if (!asset) {
    throw new InputError(`There is no ${kind} in llm-ops for '${ref}'`);
  }
  return asset.name;
}

/**
 * `llm-ops:pipeline:submit`: submits a run of a pipeline (e.g. an Argo WorkflowTemplate) with
 * parameters, and optionally waits for it, writing its progress to the task log.
 *
 * @public
 */
export function createPipelineSubmitAction(options: LlmOpsActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Submits a run of an LLM Ops pipeline (e.g. an Argo WorkflowTemplate) with parameters, as the user running the template; optionally waits for it to finish, writing phase, progress and step statuses to the task log.',
    examples,
    supportsDryRun: true,
    schema: { input, output },
    async handler(ctx) {
      const values = parseInput(ID, input, ctx.input);
      const api = await clientFor(options, ctx);
      const parameters: Record<string, string> = Object.fromEntries(
        Object.entries(values.parameters ?? {}).map(([k, v]) => [k, String(v)]),
      );
      for (const [name, ref] of Object.entries(values.assetParameters ?? {})) {
        if (name in parameters) {
          refuse(ID, `"${name}" is in both "parameters" and "assetParameters"`);
        }
        parameters[name] = await assetNameOf(options, ctx, api, ref);
      }
      const pipelineRef = await resolveAssetReference(
        options,
        ctx,
        'pipeline',
        values.pipeline,
      );

      async function pipeline(): Promise<ApiPipeline> {
        const found = await api.getPipeline(pipelineRef);
        if (!found) {
          throw new InputError(`There is no pipeline '${values.pipeline}'`);
        }
        checkDeclared(found, parameters);
        return found;
      }

      if (ctx.isDryRun) {
        const found = await pipeline();
        ctx.logger.info(
          `Dry run: would submit a run of pipeline '${
            found.name
          }' with the parameter(s) ${
            Object.keys(parameters).join(', ') || '(defaults only)'
          }${
            values.waitForCompletion
              ? ` and wait up to ${values.timeoutSeconds}s for it`
              : ''
          }`,
        );
        setOutputs(ctx, {
          runId: DRY_RUN_ID,
          runName: values.runName ?? `${found.name}-dry-run`,
          pipelineId: found.id,
          pipelineName: found.name,
          phase: 'Pending',
          ...assetLinks('pipeline', found),
        });
        return;
      }

      const submitted = await checkpointed(
        ctx,
        'pipeline-run-submit',
        async () => {
          const found = await pipeline();
          ctx.logger.info(
            `Submitting a run of pipeline '${
              found.name
            }' with the parameter(s) ${
              Object.keys(parameters).join(', ') || '(defaults only)'
            }`,
          );
          const written = await api.submitPipelineRun(
            found.id,
            {
              ...(values.runName ? { name: values.runName } : {}),
              parameters,
            },
            idempotencyKey(ctx, 'pipeline-run-submit'),
          );
          return {
            run: written.resource as ApiPipelineRun,
            pipeline: { id: found.id, name: found.name, source: found.source },
          };
        },
      );

      const links = assetLinks('pipeline', submitted.pipeline);
      const report = (run: ApiPipelineRun) =>
        setOutputs(ctx, {
          runId: run.id,
          runName: run.name,
          pipelineId: submitted.pipeline.id,
          pipelineName: submitted.pipeline.name,
          phase: run.phase,
          progress: run.progress ?? undefined,
          ...links,
          ...(run.source?.url ? { sourceUrl: run.source.url } : {}),
        });
      let run = submitted.run;
      ctx.logger.info(
        `Submitted run '${run.name}' (${run.id}) of pipeline '${
          submitted.pipeline.name
        }'${run.source?.url ? `: ${run.source.url}` : ''}; catalog: ${
          links.catalogUrl
        }`,
      );
      report(run);
      if (!values.waitForCompletion) return;

      const deadline = Date.now() + values.timeoutSeconds * 1000;
      let last = '';
      for (;;) {
        run = await api.getPipelineRun(run.id);
        const line = progressLine(run);
        if (line !== last) {
          ctx.logger.info(line);
          last = line;
        }
        if (FINISHED.has(run.phase)) break;
        const left = deadline - Date.now();
        if (left <= 0) {
          report(run);
          throw new Error(
            `Pipeline run '${run.name}' did not finish within ${
              values.timeoutSeconds
            }s (it is ${run.phase}${
              run.progress ? `, ${run.progress} steps done` : ''
            }); the run goes on`,
          );
        }
        await sleep(
          Math.min(values.pollIntervalSeconds * 1000, left),
          ctx.signal,
        );
      }
      report(run);
      if (run.phase !== 'Succeeded') {
        const failed = run.nodes
          .filter(n => n.phase === 'Failed' || n.phase === 'Error')
          .map(n => `${n.displayName}${n.message ? `: ${n.message}` : ''}`);
        throw new Error(
          `Pipeline run '${run.name}' ended ${run.phase}${
            failed.length ? ` (${failed.join('; ')})` : ''
          }`,
        );
      }
    },
  });
}
