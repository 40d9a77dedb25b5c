// Callers write `$1, $2, …` as for every engine. ClickHouse spells values differently: each placeholder
// outside a literal, a quoted name or a comment is replaced by what `render` makes of its value (a bound
// `{p1:String}` where the server binds, else the escaped literal). A placeholder without a value, or a value
// no placeholder uses, is a bug and refused.
import { TenureError } from '../../errors/tenure-error.ts';

/** Replaces each `$n` in SQL code (not inside '…', "…", `…`, -- or /* *\/) by `render(n)`. */
export function replacePlaceholders(sql: string, count: number, render: (n: number) => string): string {
  let out = '';
  let i = 0;
  const used = new Set<number>();
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      const end = quotedEnd(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      const digits = /^\d+/.exec(sql.slice(i + 1))?.[0] ?? '';
      const n = Number(digits);
      if (n < 1 || n > count) {
        throw new TenureError('internal', `ClickHouse: the query names $${digits} but has ${count} values`);
      }
      used.add(n);
      out += render(n);
      i += 1 + digits.length;
    } else {
      out += c;
      i += 1;
    }
  }
  if (used.size !== count) {
    const unused = Array.from({ length: count }, (_, k) => k + 1).filter((n) => !used.has(n));
    throw new TenureError('internal', `ClickHouse: values given for no placeholder: $${unused.join(', $')}`);
  }
  return out;
}

/** The index just past a quoted run starting at `start`: backslash escapes and doubled quotes stay inside. */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}
