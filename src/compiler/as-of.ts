// The data's end (as_of): the latest timestamp among events, subscription changes, orders, feedback and
// check-ins. Windows are judged closed or open against it.
import type { Engine } from '../warehouse/engine.ts';
import { parseInstant } from './periods.ts';

const OBSERVED: [table: string, column: string][] = [
  ['events', 'occurred_at'],
  ['subscription_changes', 'effective_at'],
  ['orders', 'ordered_at'],
  ['feedback', 'answered_at'],
  ['checkins', 'occurred_at'],
];

/** ISO 8601 UTC, or undefined when the warehouse holds none of these rows. */
export async function dataAsOf(engine: Engine): Promise<string | undefined> {
  const union = OBSERVED.map(([t, c]) => `SELECT max(${c}) AS t FROM ${t}`).join(' UNION ALL ');
  const [row] = await engine.query<{ t: string | null }>(`SELECT max(t) AS t FROM (${union}) x`);
  return row?.t ?? undefined;
}

/** The first event's time (ISO 8601 UTC), or undefined without events: where windows over events begin. */
export async function firstEventAt(engine: Engine): Promise<string | undefined> {
  const [row] = await engine.query<{ t: string | null }>('SELECT min(occurred_at) AS t FROM events');
  return row?.t ? String(row.t) : undefined;
}

/** The as_of a request gives (a day or an RFC 3339 instant), or the data's end, or now for an empty warehouse. */
export async function asOfOrDataEnd(
  engine: Engine,
  given: string | undefined,
  field = 'as_of',
): Promise<string> {
  if (given !== undefined) return parseInstant(given, field);
  return (await dataAsOf(engine)) ?? new Date().toISOString();
}
