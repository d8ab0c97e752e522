import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Loads with `load` when `key` changes, and again every `pollMs` while the tab is visible (lists
 * that change on the server: runs, schedules, locks). A failed poll keeps the last data.
 */
export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
  pollMs?: number,
): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean; key: string }>({
    data: undefined,
    error: undefined,
    loading: true,
    key,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      try {
        const data = await loadRef.current(controller.signal);
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false, key });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((s) => ({ data: s.key === key ? s.data : undefined, error, loading: false, key }));
      }
      if (pollMs && !controller.signal.aborted) timer = setTimeout(poll, pollMs);
    };
    const poll = (): void => {
      if (document.visibilityState === "visible") void run();
      else timer = setTimeout(poll, pollMs);
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key, tick, pollMs]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key ? state : { data: undefined, error: undefined, loading: true };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}

/** Re-renders every `ms` while `active` (live durations). */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}

/** Sets the document's title while the page shows. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · octoflow` : "octoflow";
  }, [title]);
}
