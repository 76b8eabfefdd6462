/** pg returns bigint columns as strings; the store works in numbers (ms since epoch). */
export function toMillis(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toMillisOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toMillis(value);
}

export function toDate(value: unknown): Date {
  return new Date(toMillis(value));
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

export function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  return JSON.parse(text) as T;
}

/** UUIDs are llm-ops ids; anything else in an `{idOrName}` path segment is a name. */
export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
    text,
  );
}
