// Loading, empty and error states, shown the same way on every page.
import type { ComponentChildren } from 'preact';
import type { Loaded } from '../use-api.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state loading" data-state="loading">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <p class="state empty" data-state="empty">
      {children}
    </p>
  );
}

export function Failure({ message, hint }: { message: string; hint?: string | undefined }) {
  return (
    <div class="state error" role="alert" data-state="error">
      <strong>The API refused:</strong> <span data-testid="error-message">{message}</span>
      {hint ? <p class="hint">{hint}</p> : null}
    </div>
  );
}

/** Renders `ready` with the data once loaded; the loading and error states otherwise. */
export function Show<T>({
  loaded,
  what,
  ready,
}: {
  loaded: Loaded<T>;
  what: string;
  ready: (data: T) => ComponentChildren;
}) {
  if (loaded.state === 'loading') return <Loading what={what} />;
  if (loaded.state === 'error') return <Failure message={loaded.error.message} hint={loaded.error.hint} />;
  return <>{ready(loaded.data)}</>;
}
