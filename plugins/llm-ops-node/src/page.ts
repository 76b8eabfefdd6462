/**
 * One page of a tool's answer; `nextPageToken` is the tool's own token, passed back unchanged.
 *
 * @public
 */
export type Page<T> = { items: T[]; nextPageToken?: string };

/**
 * Where a created resource lives in the tool.
 *
 * @public
 */
export type ExternalRef = { externalId: string; url?: string };
