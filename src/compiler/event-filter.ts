// The SQL condition that picks events by name, with the names bound.
import type { SqlParams } from '../warehouse/sql-builder.ts';

/** `alias.name IN (…)` with bound names, or TRUE for every event when no names are given. */
export function eventFilter(alias: string, names: readonly string[], params: SqlParams): string {
  if (names.length === 0) return 'TRUE';
  return `${alias}.name IN (${names.map((n) => params.bind(n)).join(', ')})`;
}
