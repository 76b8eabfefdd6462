import {
  IntegrationHealthTracker,
  type IntegrationHealth,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import type { MlflowClient } from '../client';
import { messageOf } from './errors';

/**
 * Health of one MLflow server as one adapter sees it. `GET /health` tells whether the server is
 * alive (`down` when it fails or times out); a cheap authenticated call of the adapter's own API
 * (`probe`) then tells whether it is usable with the configured credentials (`degraded` when it
 * fails, for example with 401). Both go through the client, so with its timeout, and report the
 * client's messages, which never carry credentials.
 */
export class MlflowHealthCheck {
  private readonly health = new IntegrationHealthTracker();

  constructor(
    private readonly client: MlflowClient,
    private readonly probe: () => Promise<unknown>,
  ) {}

  async check(): Promise<IntegrationHealth> {
    const started = performance.now();
    let body: string;
    try {
      body = await this.client.health();
    } catch (error) {
      return this.health.failed('down', messageOf(error));
    }
    const latencyMs = Math.round(performance.now() - started);
    if (body.trim() !== 'OK') {
      // A 2xx from something that is not MLflow (a proxy's login page); its body is not echoed.
      return this.health.failed(
        'down',
        'MLflow GET /health answered without "OK"; is baseUrl an MLflow server?',
        latencyMs,
      );
    }
    try {
      await this.probe();
    } catch (error) {
      return this.health.failed('degraded', messageOf(error), latencyMs);
    }
    return this.health.up(latencyMs);
  }
}
