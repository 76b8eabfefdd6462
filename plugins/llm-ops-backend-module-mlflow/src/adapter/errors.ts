import { MlflowApiError } from '../client';

/**
 * An adapter argument MLflow cannot express (for example a name that holds both kinds of quote,
 * which its filter syntax has no escape for). It carries `status` 400 so that the backend treats
 * it as permanent instead of retrying it as an outage.
 *
 * @public
 */
export class MlflowAdapterInputError extends Error {
  readonly name = 'MlflowAdapterInputError';
  readonly status = 400;
}

/**
 * Shapes an error for the backend, which reads only `status`: below 500 (other than 408 and 429)
 * is a permanent failure, anything else, including errors without a status such as timeouts and
 * refused connections (`MlflowRequestError`), means the tool is unavailable.
 *
 * MLflow answers a taken name with 400 RESOURCE_ALREADY_EXISTS; the adapters report it as 409 so
 * that callers can tell a conflict from a bad request without knowing MLflow's error codes.
 */
export function toAdapterError(error: unknown): unknown {
  if (isAlreadyExists(error) && error.status !== 409) {
    return new MlflowApiError({
      method: error.method,
      path: error.path,
      status: 409,
      errorCode: error.errorCode,
      serverMessage: error.serverMessage,
    });
  }
  return error;
}

/** Runs `fn`, passing its errors through {@link toAdapterError}. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toAdapterError(error);
  }
}

export function isNotFound(error: unknown): error is MlflowApiError {
  return error instanceof MlflowApiError && error.status === 404;
}

export function isAlreadyExists(error: unknown): error is MlflowApiError {
  return (
    error instanceof MlflowApiError &&
    (error.errorCode === 'RESOURCE_ALREADY_EXISTS' || error.status === 409)
  );
}

/**
 * A string literal for MLflow's search filters. The filter parser strips the outer quotes and has
 * no escape sequence, so the value is wrapped in whichever quote it does not contain.
 */
export function filterLiteral(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new MlflowAdapterInputError(
    'MLflow search filters cannot match a value that contains both single and double quotes',
  );
}

/** The message of an error, for health reports; MLflow client messages carry no credentials. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
