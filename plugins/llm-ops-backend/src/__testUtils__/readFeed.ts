import type { SpecCheckedClient } from './specCheckedClient';

/** Every page of a keyset-paged feed, following nextCursor, with the page sizes seen. */
export async function readFeed<T>(
  api: SpecCheckedClient,
  path: string,
  pageSize: number,
): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `pageSize=${pageSize}${
      cursor ? `&cursor=${cursor}` : ''
    }`;
    const res = await api.get(`${path}?${query}`);
    expect(res.status).toBe(200);
    items.push(...res.body.data.items);
    sizes.push(res.body.data.items.length);
    cursor = res.body.data.nextCursor;
  } while (cursor);
  return { items, sizes };
}
