import { InputError } from '@backstage/errors';

/** The request parameter a query error is about; the HTTP layer reports it as `field`. */
export type QueryField =
  | 'filter'
  | 'order_by'
  | 'cursor'
  | 'max_points'
  | 'max_results';

/** An InputError (HTTP 400) that also names the offending request parameter. */
export function queryInputError(
  field: QueryField,
  message: string,
): InputError & { field: QueryField } {
  return Object.assign(new InputError(message), { field });
}

/**
 * The one message shape for syntax errors, so users always learn what was expected, what was
 * found and where (1-based character position).
 */
export function syntaxError(
  field: QueryField,
  label: string,
  position: number,
  expected: string,
  found: string,
): InputError & { field: QueryField } {
  return queryInputError(
    field,
    `Invalid ${label} at position ${position}: expected ${expected} but found ${found}`,
  );
}
