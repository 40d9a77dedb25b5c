// A fetch as component state: loading, the data, or the API's error. A newer path discards an older
// answer that arrives late.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api.ts';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'error'; error: ApiError }
  | { state: 'ready'; data: T };

/** `reload`: a counter; raising it fetches the same path again (after a change made through the API). */
export function useApi<T>(path: string | null, reload = 0): Loaded<T> {
  const [result, setResult] = useState<{ path: string | null; reload: number; loaded: Loaded<T> }>({
    path: null,
    reload,
    loaded: { state: 'loading' },
  });
  useEffect(() => {
    if (path === null) return;
    let current = true;
    getJson<T>(path).then(
      (data) => current && setResult({ path, reload, loaded: { state: 'ready', data } }),
      (error: unknown) =>
        current &&
        setResult({
          path,
          reload,
          loaded: {
            state: 'error',
            error: error instanceof ApiError ? error : new ApiError(String(error), 0),
          },
        }),
    );
    return () => {
      current = false;
    };
  }, [path, reload]);
  // After a reload the previous answer stays on screen until the new one arrives.
  return result.path === path ? result.loaded : { state: 'loading' };
}
