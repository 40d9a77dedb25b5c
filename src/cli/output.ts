// Small helpers for what commands print: JSON for scripts, aligned tables for people.
import { snakeKeys } from '../results/json-names.ts';

/** JSON for scripts: every field name in snake_case, as in the API (src/results/json-names.ts). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(snakeKeys(value), null, 2)}\n`);
}

/**
 * Renders rows as an aligned text table; numbers are right-aligned, and so are the columns named in
 * `right` (numbers already written in their unit: 3.2%, $1,204.00).
 */
export function formatTable(
  headers: string[],
  rows: (string | number | null)[][],
  right: readonly string[] = [],
): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (h, i) =>
      right.includes(h) || (rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
