import type { LlmOpsActionOptions } from '../lib/context';
import { createCanaryAction } from '../lib/canaryAction';
import { examples } from './endpointRollback.examples';

/**
 * `llm-ops:endpoint:rollback`: removes the canary of an endpoint; its stable version takes all
 * the traffic again.
 *
 * @public
 */
export function createEndpointRollbackAction(options: LlmOpsActionOptions) {
  return createCanaryAction(options, {
    id: 'llm-ops:endpoint:rollback',
    verb: 'rollback',
    description:
      'Rolls back the canary of an LLM Ops endpoint: the canary is removed and the stable version takes all the traffic again. Fails when there is no canary (or it is not the expected version). Needs the llm-ops.endpoint.promote permission of the user running the template.',
    examples,
  });
}
