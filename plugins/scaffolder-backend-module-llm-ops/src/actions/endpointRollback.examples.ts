import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Roll back the canary of an endpoint',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback',
          name: 'Roll the canary back',
          action: 'llm-ops:endpoint:rollback',
          input: {
            endpoint: 'support-bot',
          },
        },
      ],
    }),
  },
  {
    description:
      'Roll back the canary only when it is the version the rollout started',
    example: yaml.stringify({
      steps: [
        {
          id: 'rollback',
          name: 'Roll version 2 back',
          action: 'llm-ops:endpoint:rollback',
          input: {
            endpoint: 'endpoint:default/support-bot',
            expectedCanaryVersion: 2,
          },
        },
      ],
    }),
  },
];
