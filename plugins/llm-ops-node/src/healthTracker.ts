import type { IntegrationHealth } from './integration';

/**
 * The health an adapter reports from its checks, remembering when a check last succeeded
 * (`lastSuccessAt`) so that no adapter keeps that by hand.
 *
 * @public
 */
export class IntegrationHealthTracker {
  private lastSuccessAt?: string;

  /** A check that succeeded, now. */
  up(latencyMs?: number): IntegrationHealth {
    this.lastSuccessAt = new Date().toISOString();
    return this.report('up', undefined, latencyMs);
  }

  /** A check that failed: `down` when the tool did not answer, `degraded` when it cannot be used. */
  failed(
    state: 'degraded' | 'down',
    lastError: string,
    latencyMs?: number,
  ): IntegrationHealth {
    return this.report(state, lastError, latencyMs);
  }

  /**
   * A failed call to an HTTP API: no answer or a 5xx is `down`; a 4xx is `degraded`, the tool is
   * there but refuses the adapter (credentials, permissions, a missing API), and then the time it
   * took to answer counts as latency.
   */
  failedCall(
    status: number | undefined,
    lastError: string,
    latencyMs: number,
  ): IntegrationHealth {
    const reachable = status !== undefined && status < 500;
    return reachable
      ? this.failed('degraded', lastError, latencyMs)
      : this.failed('down', lastError);
  }

  private report(
    state: IntegrationHealth['state'],
    lastError: string | undefined,
    latencyMs: number | undefined,
  ): IntegrationHealth {
    return {
      state,
      ...(lastError !== undefined ? { lastError } : {}),
      ...(this.lastSuccessAt ? { lastSuccessAt: this.lastSuccessAt } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
    };
  }
}

/** The HTTP status an error carries (`status`), if it carries one. */
export function statusOfError(error: unknown): number | undefined {
  const status = Number((error as { status?: unknown } | undefined)?.status);
  return Number.isFinite(status) ? status : undefined;
}
