import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  BrokenCircuitError,
  TaskCancelledError,
  type IPolicy,
} from 'cockatiel';

export type ResilienceOptions = {
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt, with exponential backoff and jitter. */
  retries: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one trial call. */
  halfOpenAfterMs: number;
};

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 5_000,
  retries: 2,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
};

/**
 * A tool error that retrying cannot fix (a 4xx the tool answered on purpose). Adapters throw
 * these, or errors with a numeric `status` below 500 other than 408 and 429.
 */
export function isPermanentToolError(error: unknown): boolean {
  const status = Number((error as { status?: unknown })?.status);
  return (
    Number.isFinite(status) &&
    status >= 400 &&
    status < 500 &&
    status !== 408 &&
    status !== 429
  );
}

/** True for the errors that mean "the tool is unavailable now": the write can wait in the outbox. */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof BrokenCircuitError ||
    error instanceof TaskCancelledError ||
    !isPermanentToolError(error)
  );
}

/**
 * Timeout per attempt, then retries with jittered exponential backoff, all inside one circuit
 * breaker per integration: while the tool is failing, calls fail fast instead of piling up.
 * Permanent errors (4xx) are neither retried nor counted against the breaker.
 */
export function createToolPolicy(options: ResilienceOptions): {
  policy: IPolicy;
  breaker: ReturnType<typeof circuitBreaker>;
} {
  const transient = handleWhen(error => !isPermanentToolError(error));
  const breaker = circuitBreaker(transient, {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const retryPolicy = retry(transient, {
    maxAttempts: options.retries,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }),
  });
  const timeoutPolicy = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  return { policy: wrap(breaker, retryPolicy, timeoutPolicy), breaker };
}
