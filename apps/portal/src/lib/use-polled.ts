'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api';

export interface Polled<T> {
  data: T | undefined;
  /** The last failure; cleared by the next success (the last good data stays shown meanwhile). */
  error: ApiError | null;
  /** True until the first answer (or failure) for the current key. */
  loading: boolean;
  /** Fetch now (after an own action changed the data) instead of waiting for the next tick. */
  refresh(): void;
}

/**
 * Loads `load()` now and again every `intervalMs` while mounted; `key` null pauses it. Requests never
 * overlap: the next one is scheduled when the previous answered. A changed key starts over.
 */
export function usePolled<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
): Polled<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error: ApiError | null }>({
    key,
    error: null,
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const kick = useRef<() => void>(() => {});

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      clearTimeout(timer);
      try {
        const data = await loadRef.current(controller.signal);
        if (!controller.signal.aborted) setState({ key, data, error: null });
      } catch (error) {
        if (controller.signal.aborted) return;
        const failure =
          error instanceof ApiError ? error : new ApiError(0, 'NETWORK', String((error as Error).message));
        setState((previous) => ({ ...previous, key, error: failure }));
      } finally {
        running = false;
      }
      if (controller.signal.aborted) return;
      if (again) {
        again = false;
        void run();
      } else {
        timer = setTimeout(() => void run(), intervalMs);
      }
    };
    kick.current = () => void run();
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
      kick.current = () => {};
    };
  }, [key, intervalMs]);

  const refresh = useCallback(() => kick.current(), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : null,
    loading: key !== null && (!current || (state.data === undefined && state.error === null)),
    refresh,
  };
}
