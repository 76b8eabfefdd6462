import { HubApiError } from '@huggingface/hub';

/**
 * A failed call to a hub. `status` is the hub's HTTP status when it answered; without one (no
 * answer, a timeout) the hub counts as unavailable. The llm-ops backend reads only `status`:
 * below 500, other than 408 and 429, is permanent. Messages name the hub and the call, never the
 * token.
 *
 * @public
 */
export class HuggingFaceHubError extends Error {
  readonly name = 'HuggingFaceHubError';
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message);
    if (status !== undefined) this.status = status;
  }
}

/**
 * The hub kept answering 429 (Too Many Requests): after the bounded retries, or with a reset
 * further away than the adapter is willing to wait. Carries `status` 429, which the backend
 * treats as "retry later".
 *
 * @public
 */
export class HuggingFaceRateLimitError extends HuggingFaceHubError {
  constructor(
    message: string,
    /** Seconds until the hub's window resets, when it said so. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, 429);
  }
}

/** Why the hub refused a call, in words that tell the operator what to change. */
function refusal(status: number, hubName: string): string | undefined {
  if (status === 401) {
    return `the hub '${hubName}' refused the credentials (401): check that the token at llmOps.huggingface.hubs[].token is valid, or that the repository exists and is public`;
  }
  if (status === 403) {
    return `the hub '${hubName}' denied access (403): the token lacks access to this repository (a gated model needs its access request accepted)`;
  }
  return undefined;
}

/**
 * Turns whatever a @huggingface/hub call threw into a {@link HuggingFaceHubError} that names the
 * hub and what was being done. The token is never part of a message: the library sends it in a
 * header only, and the hub's own error text is kept without the request's headers.
 */
export function toHubError(
  error: unknown,
  hubName: string,
  what: string,
): HuggingFaceHubError {
  if (error instanceof HuggingFaceHubError) return error;
  if (error instanceof HubApiError) {
    const reason =
      refusal(error.statusCode, hubName) ??
      `the hub '${hubName}' answered ${error.statusCode}: ${error.message}`;
    return new HuggingFaceHubError(
      `${what} failed: ${reason}`,
      error.statusCode,
    );
  }
  const cause = error instanceof Error ? error.message : String(error);
  return new HuggingFaceHubError(
    `${what} failed: the hub '${hubName}' did not answer (${cause})`,
  );
}

/** Runs a hub call, turning its failures into {@link HuggingFaceHubError}s. */
export async function hubCall<T>(
  hubName: string,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toHubError(error, hubName, what);
  }
}
