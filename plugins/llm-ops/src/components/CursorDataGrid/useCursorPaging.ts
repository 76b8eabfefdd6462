import { useCallback, useEffect, useRef, useState } from 'react';
import type { Freshness, Page } from '../../api/types';

export type PaginationModel = { page: number; pageSize: number };

export type CursorPaging<T> = {
  rows: T[];
  loading: boolean;
  error?: Error;
  freshness?: Freshness;
  hasNextPage: boolean;
  paginationModel: PaginationModel;
  setPaginationModel: (model: PaginationModel) => void;
  reload: () => void;
};

/**
 * Keyset (cursor) paging for a table: the API only says whether there is a next page, so this
 * keeps a stack of the cursors of the pages seen, which makes "back" exact and "forward" one
 * request. Anything in `resetKey` (sort order, filters) starts again from the first page.
 */
export function useCursorPaging<T>(
  load: (cursor: string | undefined, pageSize: number) => Promise<Page<T>>,
  resetKey: string,
  initialPageSize = 25,
): CursorPaging<T> {
  const [paginationModel, setModel] = useState<PaginationModel>({
    page: 0,
    pageSize: initialPageSize,
  });
  // cursors[i] is the cursor that fetches page i; page 0 needs none.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const [state, setState] = useState<{
    rows: T[];
    loading: boolean;
    error?: Error;
    freshness?: Freshness;
    nextCursor: string | null;
  }>({ rows: [], loading: true, nextCursor: null });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // A new sort order or filter: back to the first page, forget the cursors.
  const lastKey = useRef(resetKey);
  if (lastKey.current !== resetKey) {
    lastKey.current = resetKey;
    if (paginationModel.page !== 0) {
      setModel(m => ({ ...m, page: 0 }));
    }
    if (cursors.length > 1) setCursors([undefined]);
  }

  const cursor = cursors[paginationModel.page];
  const { page, pageSize } = paginationModel;
  useEffect(() => {
    let cancelled = false;
    setState(s => ({ ...s, loading: true, error: undefined }));
    loadRef.current(cursor, pageSize).then(
      result => {
        if (cancelled) return;
        setState({
          rows: result.items,
          loading: false,
          freshness: result.freshness,
          nextCursor: result.nextCursor,
        });
        setCursors(previous => {
          const next = previous.slice(0, page + 1);
          if (result.nextCursor) next[page + 1] = result.nextCursor;
          return next;
        });
      },
      error => {
        if (cancelled) return;
        setState(s => ({ ...s, rows: [], loading: false, error }));
      },
    );
    return () => {
      cancelled = true;
    };
    // `cursor` is derived from page; resetKey and generation force a reload.
  }, [cursor, page, pageSize, resetKey, generation]);

  const setPaginationModel = useCallback((model: PaginationModel) => {
    setModel(current => {
      if (model.pageSize !== current.pageSize) {
        setCursors([undefined]);
        return { page: 0, pageSize: model.pageSize };
      }
      return model;
    });
  }, []);

  const reload = useCallback(() => setGeneration(g => g + 1), []);

  return {
    rows: state.rows,
    loading: state.loading,
    error: state.error,
    freshness: state.freshness,
    hasNextPage: !!state.nextCursor,
    paginationModel,
    setPaginationModel,
    reload,
  };
}
