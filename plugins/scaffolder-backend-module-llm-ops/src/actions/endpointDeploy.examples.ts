import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deploy the champion version of a model to a new endpoint with all the traffic',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          name: 'Deploy the model',
          action: 'llm-ops:endpoint:deploy',
          input: {
            model: 'model:default/support-bot',
            alias: 'champion',
            endpoint: 'support-bot',
            runtime: 'builtin',
            namespace: 'ml-serving',
            minReplicas: 1,
            maxReplicas: 3,
            owner: 'group:default/ml-platform',
          },
        },
      ],
    }),
  },
  {
    description:
      'Roll version 2 of a model out as a canary taking 10 percent of the traffic',
    example: yaml.stringify({
      steps: [
        {
          id: 'canary',
          name: 'Start the canary',
          action: 'llm-ops:endpoint:deploy',
          input: {
            model: 'support-bot',
            version: '2',
            endpoint: 'support-bot',
            runtime: 'builtin',
            canaryPercent: 10,
          },
        },
      ],
    }),
  },
];
