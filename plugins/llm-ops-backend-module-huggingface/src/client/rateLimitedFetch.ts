import { HuggingFaceRateLimitError } from './errors';

/**
 * How the adapter waits out the hub's rate limits. `sleep` and `now` are injectable so that tests
 * observe the waits without spending them.
 *
 * @public
 */
export type RateLimitOptions = {
  /** Retries of one request after a 429; then the call fails. Defaults to 3. */
  maxRetries?: number;
  /**
   * The longest single wait, in milliseconds. A reset further away fails the call at once (with
   * status 429, so the backend retries the sync later) instead of holding it. Defaults to 5
   * minutes, the Hub's window.
   */
  maxWaitMs?: number;
  /** The wait when the hub gives no hint, doubled on each retry. Defaults to 1 s. */
  baseDelayMs?: number;
  /** Per-request timeout in milliseconds. Defaults to 30 s. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

const DEFAULTS = {
  maxRetries: 3,
  maxWaitMs: 5 * 60_000,
  baseDelayMs: 1000,
  timeoutMs: 30_000,
};

const realSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * Seconds until the hub lets the client in again, from the headers of a 429, as the Hub
 * documents them (https://huggingface.co/docs/hub/rate-limits): `RateLimit:
 * "api";r=<remaining>;t=<seconds until reset>` (IETF draft-ietf-httpapi-ratelimit-headers), and
 * the standard `Retry-After` (seconds or an HTTP date). The larger of the two wins.
 */
export function retryAfterSeconds(
  headers: Headers,
  now: number,
): number | undefined {
  const hints: number[] = [];
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) {
      hints.push(Number(retryAfter));
    } else {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) hints.push(Math.max(0, (at - now) / 1000));
    }
  }
  const rateLimit = headers.get('ratelimit');
  const reset = rateLimit?.match(/(?:^|;)\s*t=(\d+(?:\.\d+)?)/);
  if (reset) hints.push(Number(reset[1]));
  return hints.length > 0 ? Math.max(...hints) : undefined;
}

/**
 * A `fetch` for every @huggingface/hub call: it times requests out, and on 429 waits as long as
 * the hub says (bounded by `maxWaitMs`) before retrying, at most `maxRetries` times; then it
 * throws a {@link HuggingFaceRateLimitError}. The request's headers (the token) never reach an
 * error message.
 *
 * @public
 */
export function createRateLimitedFetch(
  hubName: string,
  options: RateLimitOptions = {},
  baseFetch: typeof fetch = fetch,
): typeof fetch {
  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
  const maxWaitMs = options.maxWaitMs ?? DEFAULTS.maxWaitMs;
  const baseDelayMs = options.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;

  const limited = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init?.signal
        ? AbortSignal.any([init.signal, timeout])
        : timeout;
      const response = await baseFetch(input, { ...init, signal });
      if (response.status !== 429) return response;
      // The body of a 429 is not needed; reading it frees the connection for the retry.
      await response.body?.cancel().catch(() => undefined);
      const hinted = retryAfterSeconds(response.headers, now());
      const waitMs =
        hinted !== undefined
          ? Math.ceil(hinted * 1000)
          : baseDelayMs * 2 ** attempt;
      const path = pathOf(input);
      if (waitMs > maxWaitMs) {
        throw new HuggingFaceRateLimitError(
          `The hub '${hubName}' is rate limiting ${path} (429) and resets in ${Math.ceil(
            waitMs / 1000,
          )} s, longer than the ${Math.round(
            maxWaitMs / 1000,
          )} s the adapter waits; the sync is retried later`,
          hinted,
        );
      }
      if (attempt >= maxRetries) {
        throw new HuggingFaceRateLimitError(
          `The hub '${hubName}' kept rate limiting ${path} (429) after ${maxRetries} retries; the sync is retried later`,
          hinted,
        );
      }
      await sleep(waitMs);
    }
  };
  return limited as typeof fetch;
}

/** The path of a request, for messages: no host, no query string. */
function pathOf(input: string | URL | Request): string {
  let href: string;
  if (typeof input === 'string') href = input;
  else if (input instanceof URL) href = input.href;
  else href = input.url;
  try {
    return new URL(href).pathname;
  } catch {
    return 'a request';
  }
}
