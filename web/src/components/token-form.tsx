// The API token this browser sends: kept in localStorage, entered once, removable. A server on loopback
// needs none; any other server answers 401 until one is given. When the server refuses the stored token
// (mistyped, revoked, another server's), the button says so and a banner above the page offers to forget
// it or to enter another, instead of pages that stay blank.
import { useEffect, useState } from 'preact/hooks';
import { TOKEN_KEY, TOKEN_REFUSED } from '../api.ts';

const stored = () => globalThis.localStorage?.getItem(TOKEN_KEY) ?? '';

/** Whether the server has refused the stored token since the page loaded. */
function useTokenRefused(): boolean {
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    const mark = () => setRefused(true);
    addEventListener(TOKEN_REFUSED, mark);
    return () => removeEventListener(TOKEN_REFUSED, mark);
  }, []);
  return refused;
}

/** Every answer on screen was fetched with the old token: start again with the new one (or none). */
function save(token: string): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
  location.reload();
}

const OPEN_FORM = 'tenure:token-form';

export function TokenForm() {
  const refused = useTokenRefused();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  useEffect(() => {
    const show = () => setOpen(true);
    addEventListener(OPEN_FORM, show);
    return () => removeEventListener(OPEN_FORM, show);
  }, []);
  const has = stored() !== '';
  if (!open)
    return (
      <button
        type="button"
        class={`token-button${refused ? ' refused' : ''}`}
        data-testid="token-button"
        onClick={() => setOpen(true)}
      >
        {refused ? 'Token refused' : has ? 'Token ✓' : 'Token'}
      </button>
    );
  return (
    <form
      class="token-form"
      data-testid="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        save(value.trim());
      }}
    >
      <input
        type="password"
        name="token"
        aria-label="API token"
        placeholder="API token (tenure token create)"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit">Save</button>
      {has ? (
        <button type="button" onClick={() => save('')}>
          Forget
        </button>
      ) : null}
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

/** The banner shown above every page once the server has refused the stored token. */
export function TokenRefused() {
  const refused = useTokenRefused();
  if (!refused || !stored()) return null;
  return (
    <div class="state error" role="alert" data-testid="token-refused">
      <strong>The server refused this browser's API token</strong> (it is mistyped, revoked, or made for
      another server), so the pages cannot load their data.
      <div class="actions">
        <button type="button" data-testid="forget-token" onClick={() => save('')}>
          Forget the token
        </button>
        <button type="button" onClick={() => dispatchEvent(new Event(OPEN_FORM))}>
          Enter another
        </button>
      </div>
    </div>
  );
}
