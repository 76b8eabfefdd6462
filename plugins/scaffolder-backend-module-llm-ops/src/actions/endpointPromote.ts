import type { LlmOpsActionOptions } from '../lib/context';
import { createCanaryAction } from '../lib/canaryAction';
import { examples } from './endpointPromote.examples';

/**
 * `llm-ops:endpoint:promote`: the canary of an endpoint becomes its stable version with all the
 * traffic.
 *
 * @public
 */
export function createEndpointPromoteAction(options: LlmOpsActionOptions) {
  return createCanaryAction(options, {
    id: 'llm-ops:endpoint:promote',
    verb: 'promote',
    description:
      'Promotes the canary of an LLM Ops endpoint: it becomes the stable version with all the traffic. Fails when there is no canary (or it is not the expected version). Needs the llm-ops.endpoint.promote permission of the user running the template.',
    examples,
  });
}
