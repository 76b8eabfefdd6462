import { Knex } from 'knex';

/** knex's dialect name of the connection behind a query builder, e.g. 'postgresql' or 'sqlite3'. */
export function dialectOf(qb: Knex.QueryBuilder): string {
  return (qb as unknown as { client: { dialect: string } }).client.dialect;
}

/**
 * Adds `column LIKE pattern` (case-sensitive) or ILIKE (case-insensitive) with the same
 * semantics on every engine: `%` and `_` are wildcards, a backslash escapes the next character.
 * SQLite's LIKE ignores ASCII case, so there a case-sensitive LIKE is rewritten to GLOB.
 */
export function whereLike(
  qb: Knex.QueryBuilder,
  column: string,
  pattern: string,
  caseSensitive: boolean,
): Knex.QueryBuilder {
  const dialect = dialectOf(qb);
  if (dialect === 'postgresql') {
    return qb.whereRaw(`?? ${caseSensitive ? 'LIKE' : 'ILIKE'} ? ESCAPE '\\'`, [
      column,
      pattern,
    ]);
  }
  if (dialect === 'sqlite3') {
    return caseSensitive
      ? qb.whereRaw('?? GLOB ?', [column, likeToGlob(pattern)])
      : qb.whereRaw(`?? LIKE ? ESCAPE '\\'`, [column, pattern]);
  }
  // Other engines (e.g. MySQL) are not a target: best effort, case per the column collation.
  return caseSensitive
    ? qb.whereRaw(`?? LIKE ? ESCAPE '\\\\'`, [column, pattern])
    : qb.whereRaw(`LOWER(??) LIKE LOWER(?) ESCAPE '\\\\'`, [column, pattern]);
}

/** Translates a LIKE pattern (with backslash escapes) to an equivalent SQLite GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      c = pattern[++i];
      glob += globLiteral(c);
    } else if (c === '%') {
      glob += '*';
    } else if (c === '_') {
      glob += '?';
    } else {
      glob += globLiteral(c);
    }
  }
  return glob;
}

// GLOB's own wildcards become one-character classes so they match literally.
function globLiteral(c: string): string {
  return c === '*' || c === '?' || c === '[' ? `[${c}]` : c;
}
