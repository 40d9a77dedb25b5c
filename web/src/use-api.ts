// A fetch as component state: loading, the data, or the API's error. A newer path discards an older
// answer that arrives late.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api.ts';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'error'; error: ApiError }
  | { state: 'ready'; data: T };

export function useApi<T>(path: string | null): Loaded<T> {
  const [result, setResult] = useState<{ path: string | null; loaded: Loaded<T> }>({
    path: null,
    loaded: { state: 'loading' },
  });
  useEffect(() => {
    if (path === null) return;
    let current = true;
    getJson<T>(path).then(
      (data) => current && setResult({ path, loaded: { state: 'ready', data } }),
      (error: unknown) =>
        current &&
        setResult({
          path,
          loaded: {
            state: 'error',
            error: error instanceof ApiError ? error : new ApiError(String(error), 0),
          },
        }),
    );
    return () => {
      current = false;
    };
  }, [path]);
  return result.path === path ? result.loaded : { state: 'loading' };
}
