// Each user's active weeks as bit masks: bit g of word j is week 62·j + g since an origin Monday. Feature
// adoption counts a window's weeks with a mask of them (features.ts); a load keeps the masks of the data's
// weeks (stored-rollups.ts), so that a run reads a row per user instead of every user day.
import type { Dialect } from '../../warehouse/engine.ts';
import type { SqlParams } from '../../warehouse/sql-builder.ts';

/** Bits a word holds: 62, so that `1 << g` stays a positive signed 64-bit value. */
export const WORD_BITS = 62;
/** Words a user's mask may take; beyond, adoption pairs days with windows instead. */
export const MAX_WEEK_WORDS = 4;

/** Kept week masks: the table, its origin Monday (YYYY-MM-DD) and its words. */
export interface KeptWeeks {
  readonly table: string;
  readonly origin: string;
  readonly words: number;
}

/**
 * The bitwise ORs `w0 … w{words-1}` over rows of `alias` whose column `g` (≥ 0) is the week since the
 * origin. A week's bit in its word is `g % WORD_BITS`: never a negative shift, which ClickHouse refuses
 * even in the branch of a CASE that does not take it.
 */
export function wordAggregates(d: Dialect, alias: string, words: number): string {
  const bit = d.shiftLeft('CAST(1 AS BIGINT)', `${alias}.g % ${WORD_BITS}`);
  return Array.from({ length: words }, (_, j) => j)
    .map(
      (j) =>
        `${d.bitOr(`CASE WHEN ${alias}.g >= ${j * WORD_BITS} AND ${alias}.g < ${(j + 1) * WORD_BITS}
          THEN ${bit} ELSE CAST(0 AS BIGINT) END`)} AS w${j}`,
    )
    .join(', ');
}

/**
 * `(…, g)`: the rows of `source` on days within the words' weeks from `origin`, with their week number `g`.
 * `where` narrows them further (an event filter).
 */
export function weekRowsSql(
  source: string,
  origin: string,
  words: number,
  params: SqlParams,
  where = '',
): string {
  const from = `CAST(${params.bind(origin)} AS DATE)`;
  const days = params.bind(7 * words * WORD_BITS);
  return `SELECT x.*, CAST(floor(CAST(x.day - ${from} AS INTEGER) / 7.0) AS INTEGER) AS g FROM ${source} x
    WHERE x.day >= ${from} AND x.day < ${from} + CAST(${days} AS INTEGER)${where ? ` AND ${where}` : ''}`;
}
