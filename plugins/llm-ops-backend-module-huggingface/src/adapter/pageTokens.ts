import { HuggingFaceHubError } from '../client/errors';

/**
 * The adapter's page tokens: opaque to the backend, which passes them back unchanged. A models
 * token is the index of the next source (a configured repo id, then an author); a versions token
 * pins the head commit the listing started from and the offset into its history, so that pages
 * stay consistent when a commit lands mid-sync.
 */
export type ModelsCursor = { source: number };
export type VersionsCursor = { head: string; offset: number };

export function encodeToken(cursor: ModelsCursor | VersionsCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeModelsToken(token: string | undefined): ModelsCursor {
  if (token === undefined || token === '') return { source: 0 };
  const value = decode(token);
  if (isIndex(value.source)) return { source: value.source };
  throw invalidToken();
}

export function decodeVersionsToken(
  token: string | undefined,
): VersionsCursor | undefined {
  if (token === undefined || token === '') return undefined;
  const value = decode(token);
  if (
    typeof value.head === 'string' &&
    /^[0-9a-f]{40,64}$/.test(value.head) &&
    isIndex(value.offset)
  ) {
    return { head: value.head, offset: value.offset };
  }
  throw invalidToken();
}

function decode(token: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value;
  } catch {
    // reported below
  }
  throw invalidToken();
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function invalidToken() {
  return new HuggingFaceHubError(
    'Invalid page token for the Hugging Face adapter; pass back the nextPageToken of the previous page unchanged',
    400,
  );
}
