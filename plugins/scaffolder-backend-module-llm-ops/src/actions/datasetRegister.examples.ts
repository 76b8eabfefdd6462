import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register a version of a DVC-tracked dataset',
    example: yaml.stringify({
      steps: [
        {
          id: 'dataset',
          name: 'Register the dataset version',
          action: 'llm-ops:dataset:register',
          input: {
            name: 'support-tickets',
            version: 'v3',
            uri: 's3://datasets/support-tickets/v3',
            digest: 'md5:3f2a9c1e8b7d6a5f4e3d2c1b0a998877.dir',
            sizeBytes: 734003200,
            fileCount: 12,
            format: 'parquet',
            repoUrl: 'github.com?owner=acme&repo=datasets',
            path: 'data/support-tickets',
            revision: '9fceb02d0ae598e95dc970b74767f19372d61af8',
          },
        },
      ],
    }),
  },
  {
    description:
      'Register a new dataset with an owner, numbering its first version automatically',
    example: yaml.stringify({
      steps: [
        {
          id: 'dataset',
          name: 'Register the dataset',
          action: 'llm-ops:dataset:register',
          input: {
            name: 'eval-questions',
            description: 'Held-out questions for the support bot evaluation',
            owner: 'group:default/ml-platform',
            uri: 'https://huggingface.co/datasets/acme/eval-questions',
            format: 'jsonl',
          },
        },
      ],
    }),
  },
];
