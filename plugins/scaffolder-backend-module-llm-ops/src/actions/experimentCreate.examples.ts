import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Create an experiment',
    example: yaml.stringify({
      steps: [
        {
          id: 'experiment',
          name: 'Create the experiment',
          action: 'llm-ops:experiment:create',
          input: {
            name: 'support-bot-finetune',
          },
        },
      ],
    }),
  },
  {
    description:
      'Create an experiment with an owner, a description and tags linking its dataset and base model',
    example: yaml.stringify({
      steps: [
        {
          id: 'experiment',
          name: 'Create the experiment',
          action: 'llm-ops:experiment:create',
          input: {
            name: 'support-bot-lora-r16',
            description: 'LoRA rank 16 on the support tickets of 2026',
            owner: 'group:default/ml-platform',
            tags: {
              'llm-ops.io/dataset': 'dataset:default/support-tickets',
              'llm-ops.io/base-model': 'model:default/llama-3-8b',
            },
          },
        },
      ],
    }),
  },
  {
    description: 'Reuse an experiment when one with the name exists already',
    example: yaml.stringify({
      steps: [
        {
          id: 'experiment',
          name: 'Create or reuse the experiment',
          action: 'llm-ops:experiment:create',
          input: {
            name: 'support-bot-nightly',
            ifExists: 'reuse',
          },
        },
      ],
    }),
  },
];
