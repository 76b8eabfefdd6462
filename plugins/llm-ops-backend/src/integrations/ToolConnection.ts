import type { IPolicy } from 'cockatiel';
import { IntegrationStatusTracker } from '../service/integrations';
import type { IntegrationCategory } from '../service/integrations';
import {
  createToolPolicy,
  isUnavailable,
  type ResilienceOptions,
} from './resilience';

/**
 * One tool instance as the backend talks to it: every call goes through the tool's resilience
 * policy (timeout, retries, circuit breaker) and its outcome feeds the status the integrations
 * endpoint and the freshness of lists report.
 */
export class ToolConnection {
  readonly tracker: IntegrationStatusTracker;
  private readonly policy: IPolicy;

  constructor(options: {
    id: string;
    type: string;
    categories: IntegrationCategory[];
    enabled: boolean;
    resilience: ResilienceOptions;
  }) {
    this.tracker = new IntegrationStatusTracker({
      id: options.id,
      type: options.type,
      categories: options.categories,
      enabled: options.enabled,
      downAfterFailures: 1,
    });
    this.policy = createToolPolicy(options.resilience).policy;
  }

  get id() {
    return this.tracker.id;
  }

  /** Runs a call to the tool under the policy; an unavailable tool marks the integration down. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await this.policy.execute(fn);
      this.tracker.recordSuccess();
      return result;
    } catch (error) {
      // A 4xx is the tool answering: it is up, the request was wrong.
      if (isUnavailable(error)) this.tracker.recordFailure(error);
      else this.tracker.recordSuccess();
      throw error;
    }
  }
}
