import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register a model version from the run that trained it',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          name: 'Register the model version',
          action: 'llm-ops:model:register',
          input: {
            model: 'support-bot',
            runId: '5f0c7c3e-2b9d-4d7e-9a51-7f1f2a9d3c11',
            artifactUri: 'runs:/5f0c7c3e-2b9d-4d7e-9a51-7f1f2a9d3c11/model',
          },
        },
      ],
    }),
  },
  {
    description: 'Register a model version and point the candidate alias at it',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          name: 'Register the candidate',
          action: 'llm-ops:model:register',
          input: {
            model: 'support-bot',
            runId: '5f0c7c3e-2b9d-4d7e-9a51-7f1f2a9d3c11',
            artifactUri: 's3://models/support-bot/lora-r16',
            description: 'LoRA rank 16, eval accuracy 0.91',
            alias: 'candidate',
            owner: 'group:default/ml-platform',
            tags: { 'eval.accuracy': '0.91' },
          },
        },
      ],
    }),
  },
];
