// Tables as CSV: a route that answers with a table also answers `?format=csv` with the same rows, written
// by csv-stringify (RFC 4180 quoting) with a header row and a file name to save under. A cell is the JSON
// value as text: numbers in full, null empty, a list or an object as its JSON.
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

export const FORMATS = ['json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** The `format` query parameter of a route that answers with a table. */
export const format = {
  type: 'string',
  enum: [...FORMATS],
  default: 'json',
  description: 'json, or csv for the table as a CSV file (a header row, then one line per row)',
} as const;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

const cell = (v: unknown): string | number =>
  v === null || v === undefined
    ? ''
    : typeof v === 'number'
      ? v
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

export function csvText(table: Table): string {
  return stringify([table.columns, ...table.rows.map((r) => r.map(cell))], { record_delimiter: '\n' });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Objects as a table: the union of their keys, in order of first appearance. An object holding a list of
 * objects (a cohort's cells, a funnel's steps) becomes one row per element of that list, the element's
 * fields beside the object's own (a field both have is the element's, prefixed with the list's name).
 */
export function tableOf(items: readonly unknown[]): Table {
  const flat: Record<string, unknown>[] = [];
  for (const item of items) {
    if (!isRecord(item)) {
      flat.push({ value: item });
      continue;
    }
    const nested = Object.entries(item).find(
      ([, v]) => Array.isArray(v) && v.length > 0 && v.every((x) => isRecord(x)),
    );
    if (!nested) {
      flat.push(item);
      continue;
    }
    const [list, elements] = nested as [string, Record<string, unknown>[]];
    const own = Object.fromEntries(Object.entries(item).filter(([k]) => k !== list));
    for (const e of elements) {
      const row = { ...own };
      for (const [k, v] of Object.entries(e)) row[k in own ? `${list}.${k}` : k] = v;
      flat.push(row);
    }
  }
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return { columns, rows: flat.map((r) => columns.map((c) => r[c] ?? null)) };
}

/** Sends `table` as a CSV attachment named `name`.csv. */
export function sendCsv(reply: FastifyReply, name: string, table: Table): string {
  const file = `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.csv`;
  reply.header('content-type', 'text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="${file}"`);
  return csvText(table);
}
