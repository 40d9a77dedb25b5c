// State lives in the URL: the page in the path (/kpi/mrr), everything else in the query string, so a
// copied link reproduces the view. Changing a control pushes a new URL; Back goes to the previous view.
import { useEffect, useState } from 'preact/hooks';

const CHANGE = 'tenure:navigate';

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  dispatchEvent(new Event(CHANGE));
}

/** Re-renders on every URL change; returns the path and its query. */
export function useLocation(): { path: string; params: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const bump = () => setTick((t) => t + 1);
    addEventListener('popstate', bump);
    addEventListener(CHANGE, bump);
    return () => {
      removeEventListener('popstate', bump);
      removeEventListener(CHANGE, bump);
    };
  }, []);
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

/** The current URL with some query parameters changed (undefined or '' removes one). */
export function withParams(patch: Record<string, string | undefined>, path = location.pathname): string {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** A link that navigates without reloading the page. */
export function onLink(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null)?.getAttribute('href');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a);
}
