import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** State of one load from the admin API. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads `load()` now, again when `keys` change, and every `everyMs` when given; the latest answer wins. */
export function useLoad<T>(load: () => Promise<T>, keys: readonly unknown[], everyMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(failure instanceof Error ? failure.message : String(failure));
        setLoading(false);
      },
    );
  }, keys);
  useEffect(() => {
    run();
    if (!everyMs) return;
    const timer = setInterval(run, everyMs);
    return () => clearInterval(timer);
  }, [run, everyMs]);
  return { data, error, loading, reload: run };
}
