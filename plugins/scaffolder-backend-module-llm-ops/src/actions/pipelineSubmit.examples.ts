import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Submit a run of a pipeline with hyperparameters',
    example: yaml.stringify({
      steps: [
        {
          id: 'train',
          name: 'Start fine-tuning',
          action: 'llm-ops:pipeline:submit',
          input: {
            pipeline: 'llm-finetune',
            parameters: {
              experiment: 'support-bot-lora-r16',
              learningRate: 0.0002,
              epochs: 3,
              loraRank: 16,
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Submit a run with the dataset and base model picked in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'train',
          name: 'Start fine-tuning',
          action: 'llm-ops:pipeline:submit',
          input: {
            pipeline: 'pipeline:default/llm-finetune',
            runName: 'support-bot-lora-r16-1',
            parameters: { epochs: 1 },
            assetParameters: {
              dataset: 'dataset:default/support-tickets',
              baseModel: 'model:default/llama-3-8b',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Submit a run and wait up to an hour for it, checking every 5 seconds and logging its progress',
    example: yaml.stringify({
      steps: [
        {
          id: 'evaluate',
          name: 'Evaluate',
          action: 'llm-ops:pipeline:submit',
          input: {
            pipeline: 'llm-evaluate',
            parameters: { model: 'support-bot', alias: 'candidate' },
            waitForCompletion: true,
            timeoutSeconds: 3600,
            pollIntervalSeconds: 5,
          },
        },
      ],
    }),
  },
];
