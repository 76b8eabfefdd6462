import { queryInputError } from './errors';
import {
  ParsedIdentifier,
  parseIdentifier,
  runAttributes,
} from './identifiers';
import { isKeyword, Token, tokenize, TokenStream } from './tokenizer';
import {
  ComparisonOperator,
  FilterComparison,
  FilterExpression,
  RunAttribute,
} from './types';

export const MAX_FILTER_LENGTH = 2000;
export const MAX_FILTER_COMPARISONS = 50;
export const RUN_STATUSES = [
  'RUNNING',
  'SCHEDULED',
  'FINISHED',
  'FAILED',
  'KILLED',
] as const;

const numericOps: ComparisonOperator[] = ['=', '!=', '>', '>=', '<', '<='];
const stringOps: ComparisonOperator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const listOps: ComparisonOperator[] = ['IN', 'NOT IN'];
const nullOps: ComparisonOperator[] = ['IS NULL', 'IS NOT NULL'];

/**
 * Parses MLflow's search filter subset, e.g.
 * `metrics.accuracy > 0.9 and params.lr = '0.01' and attributes.status = 'FINISHED'`.
 * Only AND is supported (as in MLflow). Blank text means "match every run".
 */
export function parseRunFilter(text: string): FilterExpression {
  if (typeof text !== 'string') {
    throw queryInputError('filter', 'Invalid filter: expected a string');
  }
  if (text.length > MAX_FILTER_LENGTH) {
    throw queryInputError(
      'filter',
      `Invalid filter: expected at most ${MAX_FILTER_LENGTH} characters but found ${text.length}`,
    );
  }
  const comparisons: FilterComparison[] = [];
  if (text.trim() === '') return { type: 'and', comparisons };

  const stream = new TokenStream(
    tokenize(text, 'filter', 'filter'),
    'filter',
    'filter',
  );
  for (;;) {
    if (comparisons.length === MAX_FILTER_COMPARISONS) {
      throw stream.fail(`at most ${MAX_FILTER_COMPARISONS} comparisons`);
    }
    comparisons.push(parseComparison(stream));
    const next = stream.peek();
    if (next.kind === 'end') return { type: 'and', comparisons };
    if (isKeyword(next, 'OR')) {
      throw queryInputError(
        'filter',
        `Invalid filter at position ${next.position}: expected AND or end of filter but found '${next.text}'; OR is not supported, combine comparisons with AND`,
      );
    }
    if (!stream.acceptKeyword('AND')) throw stream.fail('AND or end of filter');
  }
}

function parseComparison(stream: TokenStream): FilterComparison {
  const identifier = parseIdentifier(stream);
  const { entity, key } = identifier;
  const allowed = allowedOperators(identifier);
  const opToken = stream.peek();
  const op = readOperator(stream);
  if (!op || !allowed.includes(op)) {
    throw stream.fail(
      `a comparison operator for ${describeTarget(identifier)} (${allowed.join(
        ', ',
      )})`,
      opToken,
    );
  }

  if (op === 'IS NULL' || op === 'IS NOT NULL')
    return { entity, key, op, value: null };
  if (op === 'IN' || op === 'NOT IN') {
    return { entity, key, op, value: parseStringList(stream, identifier) };
  }
  if (allowed === numericOps)
    return { entity, key, op, value: parseNumber(stream) };
  return { entity, key, op, value: parseString(stream, identifier, op) };
}

function allowedOperators({
  entity,
  key,
}: ParsedIdentifier): ComparisonOperator[] {
  if (entity === 'metric') return numericOps;
  if (entity === 'param' || entity === 'tag')
    return [...stringOps, ...listOps, ...nullOps];
  const spec = runAttributes[key as RunAttribute];
  if (spec.kind === 'number') return numericOps;
  return spec.allowsList ? [...stringOps, ...listOps] : stringOps;
}

function describeTarget({ entity, key }: ParsedIdentifier): string {
  return entity === 'attribute' ? `attribute ${key}` : `${entity}s`;
}

// Returns the operator at the stream head (consuming it), or undefined when there is none.
function readOperator(stream: TokenStream): ComparisonOperator | undefined {
  const token = stream.peek();
  if (token.kind === 'op') {
    stream.next();
    return numericOps.find(op => op === token.text);
  }
  for (const word of ['LIKE', 'ILIKE', 'IN'] as const) {
    if (stream.acceptKeyword(word)) return word;
  }
  if (isKeyword(token, 'NOT') && isKeyword(stream.peek(1), 'IN')) {
    stream.next();
    stream.next();
    return 'NOT IN';
  }
  if (stream.acceptKeyword('IS')) {
    const negated = stream.acceptKeyword('NOT');
    if (!stream.acceptKeyword('NULL'))
      throw stream.fail(negated ? 'NULL' : 'NULL or NOT NULL');
    return negated ? 'IS NOT NULL' : 'IS NULL';
  }
  return undefined;
}

function parseNumber(stream: TokenStream): number {
  const token = stream.peek();
  if (token.kind !== 'number') throw stream.fail('a number');
  stream.next();
  return Number(token.text);
}

function parseString(
  stream: TokenStream,
  identifier: ParsedIdentifier,
  op: ComparisonOperator,
): string {
  const token = stream.peek();
  if (token.kind !== 'string') {
    const hint =
      identifier.entity === 'attribute'
        ? ''
        : ` (${identifier.entity} values are strings)`;
    throw stream.fail(`a quoted string${hint}`);
  }
  stream.next();
  if (
    identifier.key === 'status' &&
    identifier.entity === 'attribute' &&
    (op === '=' || op === '!=')
  ) {
    checkStatus(stream, token);
  }
  if (
    (op === 'LIKE' || op === 'ILIKE') &&
    /(^|[^\\])(\\\\)*\\$/.test(token.value)
  ) {
    // PostgreSQL rejects such patterns at run time; say so before running the query.
    throw stream.fail(
      'a LIKE pattern that does not end with the escape character \\',
      token,
    );
  }
  return token.value;
}

function parseStringList(
  stream: TokenStream,
  identifier: ParsedIdentifier,
): string[] {
  if (stream.peek().kind !== 'lparen')
    throw stream.fail("'(' to start a list of quoted strings");
  stream.next();
  const values: string[] = [];
  for (;;) {
    const token = stream.peek();
    if (token.kind !== 'string') throw stream.fail('a quoted string');
    stream.next();
    if (identifier.entity === 'attribute' && identifier.key === 'status')
      checkStatus(stream, token);
    values.push(token.value);
    const separator = stream.next();
    if (separator.kind === 'rparen') return values;
    if (separator.kind !== 'comma') throw stream.fail("',' or ')'", separator);
  }
}

// An unknown status can never match, so it is almost certainly a typo (e.g. 'finished').
function checkStatus(stream: TokenStream, token: Token): void {
  if (!(RUN_STATUSES as readonly string[]).includes(token.value)) {
    throw stream.fail(`a run status (${RUN_STATUSES.join(', ')})`, token);
  }
}
