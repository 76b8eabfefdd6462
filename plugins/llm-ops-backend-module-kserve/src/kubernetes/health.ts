import {
  IntegrationHealthTracker,
  statusOfError,
  type IntegrationHealth,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import type {
  CustomResourceType,
  KubernetesClusterClient,
} from './KubernetesClusterClient';
import { messageOf } from './errors';
import { managedSelector } from './labels';

/**
 * Health of one cluster for one tool, as an adapter sees it: a one-item list of the tool's
 * resource type with the adapter's own label selector. No answer, or a 5xx, is `down`; a 4xx
 * answer (401/403: credentials or RBAC, 404: the tool's CRDs are not installed) is `degraded`,
 * since the API server is there but the adapter cannot work with it.
 *
 * @public
 */
export class KubernetesHealthCheck {
  private readonly health = new IntegrationHealthTracker();

  constructor(
    private readonly client: KubernetesClusterClient,
    private readonly type: CustomResourceType,
  ) {}

  async check(): Promise<IntegrationHealth> {
    const started = performance.now();
    try {
      await this.client.list(this.type, {
        labelSelector: managedSelector(this.client.name),
        limit: 1,
      });
    } catch (error) {
      return this.health.failedCall(
        statusOfError(error),
        messageOf(error),
        Math.round(performance.now() - started),
      );
    }
    return this.health.up(Math.round(performance.now() - started));
  }
}
