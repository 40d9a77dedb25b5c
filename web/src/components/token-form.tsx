// The API token this browser sends: kept in localStorage, entered once, removable. A server on loopback
// needs none; any other server answers 401 until one is given.
import { useState } from 'preact/hooks';
import { TOKEN_KEY } from '../api.ts';

export function TokenForm() {
  const stored = globalThis.localStorage?.getItem(TOKEN_KEY) ?? '';
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  if (!open)
    return (
      <button type="button" class="token-button" data-testid="token-button" onClick={() => setOpen(true)}>
        {stored ? 'Token ✓' : 'Token'}
      </button>
    );
  const save = (token: string) => {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
    // Every answer on screen was fetched with the old token.
    location.reload();
  };
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
        placeholder="API token (tenure token create)"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit">Save</button>
      {stored ? (
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
