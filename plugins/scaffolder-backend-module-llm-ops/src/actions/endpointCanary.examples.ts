import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import type { CanaryVerb } from './endpointCanary';

/** How each example says what it does, per verb. */
const WORDS: Record<
  CanaryVerb,
  {
    verb: string;
    plain: string;
    step: string;
    guardedStep: string;
    /** A string for one verb and a number for the other: the input takes both. */
    expectedCanaryVersion: string | number;
  }
> = {
  promote: {
    verb: 'Promote',
    plain: 'Promote the canary of an endpoint to take all the traffic',
    step: 'Promote the canary',
    guardedStep: 'Promote version 2',
    expectedCanaryVersion: '2',
  },
  rollback: {
    verb: 'Roll back',
    plain: 'Roll back the canary of an endpoint',
    step: 'Roll the canary back',
    guardedStep: 'Roll version 2 back',
    expectedCanaryVersion: 2,
  },
};

const stepOf = (
  verb: CanaryVerb,
  name: string,
  input: Record<string, unknown>,
) =>
  yaml.stringify({
    steps: [{ id: verb, name, action: `llm-ops:endpoint:${verb}`, input }],
  });

/** The examples of `llm-ops:endpoint:<verb>`: any canary, and only the expected one. */
export function canaryExamples(verb: CanaryVerb): TemplateExample[] {
  const words = WORDS[verb];
  return [
    {
      description: words.plain,
      example: stepOf(verb, words.step, { endpoint: 'support-bot' }),
    },
    {
      description: `${words.verb} the canary only when it is the version the rollout started`,
      example: stepOf(verb, words.guardedStep, {
        endpoint: 'endpoint:default/support-bot',
        expectedCanaryVersion: words.expectedCanaryVersion,
      }),
    },
  ];
}
