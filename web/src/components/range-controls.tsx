// The range and grain every page shares, read from and written to the URL.
import type { ComponentChildren } from 'preact';
import { GRAINS, type Range } from '../range.ts';
import { navigate, withParams } from '../router.ts';

export function RangeControls({ range, children }: { range: Range; children?: ComponentChildren }) {
  const set = (key: string) => (e: Event) =>
    navigate(withParams({ [key]: (e.currentTarget as HTMLInputElement).value }));
  return (
    <form class="controls" onSubmit={(e) => e.preventDefault()}>
      <label>
        From <input type="date" name="from" value={range.from} onChange={set('from')} />
      </label>
      <label>
        To <input type="date" name="to" value={range.to} onChange={set('to')} />
      </label>
      <label>
        Grain{' '}
        <select name="grain" value={range.grain} onChange={set('grain')}>
          {GRAINS.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      {children}
    </form>
  );
}
