import { act, renderHook, waitFor } from '@testing-library/react';
import { page } from '../../__testUtils__/fixtures';
import { useCursorPaging } from './useCursorPaging';

describe('useCursorPaging', () => {
  it('keeps the cursors of the pages seen and starts over when the key changes', async () => {
    const pages: Record<string, ReturnType<typeof page<string>>> = {
      first: page(['a'], 'c1'),
      c1: page(['b'], 'c2'),
      c2: page(['c']),
    };
    const load = jest.fn(
      async (cursor: string | undefined) => pages[cursor ?? 'first'],
    );
    const { result, rerender } = renderHook(
      ({ key }) => useCursorPaging<string>(load, key, 1),
      { initialProps: { key: 'one' } },
    );
    await waitFor(() => expect(result.current.rows).toEqual(['a']));
    expect(result.current.hasNextPage).toBe(true);

    act(() => result.current.setPaginationModel({ page: 1, pageSize: 1 }));
    await waitFor(() => expect(result.current.rows).toEqual(['b']));
    act(() => result.current.setPaginationModel({ page: 2, pageSize: 1 }));
    await waitFor(() => expect(result.current.rows).toEqual(['c']));
    expect(result.current.hasNextPage).toBe(false);

    act(() => result.current.setPaginationModel({ page: 1, pageSize: 1 }));
    await waitFor(() => expect(result.current.rows).toEqual(['b']));
    expect(load).toHaveBeenLastCalledWith('c1', 1);

    rerender({ key: 'two' });
    await waitFor(() => expect(result.current.paginationModel.page).toBe(0));
    await waitFor(() => expect(result.current.rows).toEqual(['a']));
    expect(load).toHaveBeenLastCalledWith(undefined, 1);
  });

  it('reports a failed page', async () => {
    const { result } = renderHook(() =>
      useCursorPaging<string>(async () => {
        throw new Error('nope');
      }, 'k'),
    );
    await waitFor(() => expect(result.current.error?.message).toBe('nope'));
    expect(result.current.loading).toBe(false);
  });
});
