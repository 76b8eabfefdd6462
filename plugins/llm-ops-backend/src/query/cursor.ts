import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { queryInputError } from './errors';
import { dialectOf } from './sqlDialect';

const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 4096;

/** A sort column for keyset paging; `expr` is a column reference such as `runs.start_time`. */
export type KeysetColumn = {
  expr: string;
  direction: 'asc' | 'desc';
  /** NULLs sort last in both directions; say false only for NOT NULL columns. */
  nullable?: boolean;
  /**
   * A double precision column: NaN is one of its values (PostgreSQL stores it and sorts it above
   * every number, MLflow logs it for a diverged loss), so a page may end on it.
   */
  float?: boolean;
};

type Payload = { v: number; k: unknown[]; s?: string };

// JSON has no dates or non-finite numbers: tag them so they come back as the same JS value
// and bind exactly like the value the database returned.
function encodeValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return { d: value.toISOString() };
  if (typeof value === 'number' && !Number.isFinite(value))
    return { n: String(value) };
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  throw new TypeError(`Cannot put a ${typeof value} in a cursor`);
}

function decodeValue(value: unknown): unknown {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
    return value;
  const tagged = value as Record<string, unknown>;
  if (typeof value === 'object' && Object.keys(tagged).length === 1) {
    if (typeof tagged.d === 'string') {
      const date = new Date(tagged.d);
      if (!Number.isNaN(date.getTime())) return date;
    }
    if (
      tagged.n === 'NaN' ||
      tagged.n === 'Infinity' ||
      tagged.n === '-Infinity'
    ) {
      return Number(tagged.n);
    }
  }
  throw malformed();
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

function malformed(reason = 'it is malformed or was modified') {
  return queryInputError(
    'cursor',
    `Invalid cursor: expected a cursor returned by a previous page, but ${reason}`,
  );
}

/**
 * Encodes a row's sort key as an opaque cursor: base64url JSON with a version tag and a
 * checksum (to detect edits, not a secret). `scope` ties it to one sort order, so a cursor from
 * another order_by is rejected instead of silently skipping rows.
 */
export function encodeCursor(values: unknown[], scope?: string): string {
  const payload: Payload = { v: CURSOR_VERSION, k: values.map(encodeValue) };
  if (scope !== undefined) payload.s = digest(scope);
  const body = JSON.stringify(payload);
  return Buffer.from(JSON.stringify({ ...payload, c: digest(body) })).toString(
    'base64url',
  );
}

/** Decodes a cursor from encodeCursor; anything else is an InputError with field 'cursor'. */
export function decodeCursor(text: unknown, scope?: string): unknown[] {
  if (
    typeof text !== 'string' ||
    text.length === 0 ||
    text.length > MAX_CURSOR_LENGTH
  ) {
    throw malformed();
  }
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw malformed();
  let parsed: any;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.k))
    throw malformed();
  if (parsed.v !== CURSOR_VERSION)
    throw malformed('its version is not supported');
  const payload: Payload = { v: parsed.v, k: parsed.k };
  if (parsed.s !== undefined) payload.s = parsed.s;
  if (parsed.c !== digest(JSON.stringify(payload))) throw malformed();
  if (scope !== undefined && parsed.s !== digest(scope)) {
    throw malformed(
      'it belongs to a different sort order; start again without a cursor',
    );
  }
  return parsed.k.map(decodeValue);
}

/** ORDER BY for keyset columns with NULLs last in both directions (PostgreSQL and SQLite). */
export function applyKeysetOrder(
  qb: Knex.QueryBuilder,
  columns: KeysetColumn[],
): Knex.QueryBuilder {
  const nativeNullsLast = ['postgresql', 'sqlite3'].includes(dialectOf(qb));
  for (const { expr, direction, nullable } of columns) {
    const dir = direction === 'desc' ? 'desc' : 'asc';
    if (nullable === false) qb.orderByRaw(`?? ${dir}`, [expr]);
    else if (nativeNullsLast) qb.orderByRaw(`?? ${dir} nulls last`, [expr]);
    else qb.orderByRaw(`(?? is null) asc, ?? ${dir}`, [expr, expr]);
  }
  return qb;
}

function checkKeyValue(value: unknown, column: KeysetColumn): void {
  const ok =
    value === null
      ? column.nullable !== false
      : value instanceof Date ||
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' &&
          (!Number.isNaN(value) || column.float === true));
  if (!ok) throw malformed();
}

/**
 * Restricts the query to rows strictly after `afterValues` in the order of `columns` (as
 * applied by applyKeysetOrder): a lexicographic OR-chain where a NULL sorts after every value.
 * Nothing happens without afterValues (first page). All values are bound parameters.
 */
export function applyKeyset(
  qb: Knex.QueryBuilder,
  columns: KeysetColumn[],
  afterValues: unknown[] | undefined,
): Knex.QueryBuilder {
  if (afterValues === undefined) return qb;
  if (afterValues.length !== columns.length) {
    throw malformed('it does not match the sort order of this query');
  }
  columns.forEach((column, i) => checkKeyValue(afterValues[i], column));

  const disjuncts: string[] = [];
  const bindings: unknown[] = [];
  const equalSql: string[] = [];
  const equalBindings: unknown[] = [];
  columns.forEach((column, i) => {
    const value = afterValues[i];
    // After a NULL (which sorts last) only other NULLs can follow, via the next columns.
    if (value !== null) {
      const op = column.direction === 'desc' ? '<' : '>';
      const after =
        column.nullable === false ? `?? ${op} ?` : `(?? ${op} ? or ?? is null)`;
      disjuncts.push([...equalSql, after].join(' and '));
      bindings.push(...equalBindings, column.expr, value);
      if (column.nullable !== false) bindings.push(column.expr);
    }
    equalSql.push(value === null ? '?? is null' : '?? = ?');
    equalBindings.push(
      ...(value === null ? [column.expr] : [column.expr, value]),
    );
  });
  if (disjuncts.length === 0) return qb.whereRaw('1 = 0');

  // A redundant bound on the first column, outside the OR-chain, lets PostgreSQL start an index
  // range scan there instead of filtering every row.
  const [first, firstValue] = [columns[0], afterValues[0]];
  let lead = '';
  const leadBindings: unknown[] = [];
  if (firstValue === null) {
    lead = '?? is null and ';
    leadBindings.push(first.expr);
  } else if (first.nullable === false && columns.length > 1) {
    lead = `?? ${first.direction === 'desc' ? '<=' : '>='} ? and `;
    leadBindings.push(first.expr, firstValue);
  }
  const chain = disjuncts.map(d => `(${d})`).join(' or ');
  return qb.whereRaw(`(${lead}(${chain}))`, [
    ...leadBindings,
    ...bindings,
  ] as Knex.RawBinding[]);
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only signals that another page
 * exists; the cursor is the key of the last returned row.
 */
export function pageOf<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => unknown[],
  scope?: string,
): { items: T[]; nextCursor?: string } {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return {
    items,
    nextCursor: encodeCursor(keyOf(items[items.length - 1]), scope),
  };
}
