import { isError } from '@backstage/errors';
import { queryInputError, syntaxError } from './errors';

describe('query errors', () => {
  it('creates an InputError that names the field', () => {
    const error = queryInputError('cursor', 'Invalid cursor');
    expect(isError(error)).toBe(true);
    expect(error.name).toBe('InputError');
    expect(error.message).toBe('Invalid cursor');
    expect(error.field).toBe('cursor');
  });

  it('formats syntax errors with expected, found and position', () => {
    const error = syntaxError(
      'filter',
      'filter',
      19,
      'a comparison operator',
      "'foo'",
    );
    expect(error.name).toBe('InputError');
    expect(error.field).toBe('filter');
    expect(error.message).toBe(
      "Invalid filter at position 19: expected a comparison operator but found 'foo'",
    );
  });
});
