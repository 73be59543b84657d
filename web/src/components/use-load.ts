import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload: () => void;
}

/** Loads data for a page and reloads it when `deps` change; a stale answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) {
          setState({ data, error: undefined, loading: false });
        }
      },
      (error: unknown) => {
        api.noteFailure(error);
        if (mine === generation.current) {
          setState({ data: undefined, error, loading: false });
        }
      },
    );
  }, []);
  useEffect(run, deps);
  return { ...state, reload: run };
}
