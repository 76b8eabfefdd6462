import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Promote the canary of an endpoint to take all the traffic',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          name: 'Promote the canary',
          action: 'llm-ops:endpoint:promote',
          input: {
            endpoint: 'support-bot',
          },
        },
      ],
    }),
  },
  {
    description:
      'Promote the canary only when it is the version the rollout started',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          name: 'Promote version 2',
          action: 'llm-ops:endpoint:promote',
          input: {
            endpoint: 'endpoint:default/support-bot',
            expectedCanaryVersion: '2',
          },
        },
      ],
    }),
  },
];
