// A JSON column's stored value, in SQL: the row's own object with the row's values beyond the contract
// (extra CSV columns, extra NDJSON keys) folded in, without changing or losing anything the file gave.
// An extra value whose key the object lacks is added (after the object's own keys); an empty one adds nothing; one that agrees with the
// object's key is already there; one that disagrees is a conflict that refuses the row. A key given twice
// in one object refuses the row too (a JSON reader would keep one of the two values silently).
// All of it runs inside DuckDB's typing pass. Looking for repeated keys runs on every row: an object's own
// keys are compared pairwise (cheaper than DuckDB's list_distinct for the few keys rows usually have), and
// nested objects are only looked into when the text holds one.
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';

/** The row's own object as a map (key → JSON value), only when there are extra values to compare. */
export const OWN_MAP = '"__own"';
/** The first extra value that disagrees with the own object: STRUCT(key, value), or NULL. */
export const CONFLICT = '"__conflict"';

/** Objects with up to this many keys are checked pairwise; larger ones with list_distinct. */
const PAIRWISE_UP_TO = 12;

/** SQL: whether the list of keys `k` holds one twice. */
function repeatsSql(): string {
  const cases: string[] = [];
  for (let n = 2; n <= PAIRWISE_UP_TO; n++) {
    const pairs: string[] = [];
    for (let i = 1; i <= n; i++) for (let j = i + 1; j <= n; j++) pairs.push(`k[${i}] = k[${j}]`);
    cases.push(`WHEN ${n} THEN ${pairs.join(' OR ')}`);
  }
  return `CASE len(k) WHEN 0 THEN false WHEN 1 THEN false ${cases.join(' ')} ELSE len(k) <> len(list_distinct(k)) END`;
}

/**
 * Macros the typing pass calls: whether a list of keys repeats one; whether a JSON object repeats a key at
 * any depth (objects inside arrays too); and which key, for the few refused rows.
 */
export async function defineJsonMacros(db: DuckDBEngine): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP MACRO tenure_has_repeats(k) AS ${repeatsSql()}`);
  await db.run(
    `CREATE OR REPLACE TEMP MACRO tenure_json_nested_repeats(o) AS contains(substr(o::VARCHAR, 2), '{')
       AND len(list_filter(json_keys(o, '$..*'), lambda ks: len(ks) > 1 AND len(ks) <> len(list_distinct(ks)))) > 0`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP MACRO tenure_repeated_key(keys) AS
       list_filter(keys, lambda k, i: list_position(keys, k) < i)[1]`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP MACRO tenure_json_repeated_key(o) AS
       coalesce(tenure_repeated_key(json_keys(o)), list_filter(list_transform(json_keys(o, '$..*'),
         lambda ks: tenure_repeated_key(ks)), lambda k: k IS NOT NULL)[1])`,
  );
}

/**
 * Whether a list of keys holds one twice. `keys` must be a column: the macro repeats its argument in every
 * comparison, and DuckDB would compute an expression again for each.
 */
export const hasRepeats = (keys: string) => `tenure_has_repeats(${keys})`;

/** Whether a JSON object repeats a key anywhere in it, given the column of its own keys; NULL for NULL. */
export const hasRepeatedKey = (json: string, keys: string) =>
  `(${hasRepeats(keys)} OR tenure_json_nested_repeats(${json}))`;

/** The key a JSON object repeats (the first found), or NULL: only evaluated for refused rows. */
export const repeatedKey = (json: string) => `tenure_json_repeated_key(${json})`;

/** The own object as a map, computed once per row that has extra values (`own` is the typed object). */
export const ownMap = (own: string, extras: string) =>
  `CASE WHEN len(${extras}) > 0 THEN from_json(${own}, '"MAP(VARCHAR, JSON)"') END AS ${OWN_MAP}`;

/** The extra values whose keys the own object lacks (needs OWN_MAP): computed once, as column ADDED. */
export const ADDED = '"__added"';
export const added = (extras: string) =>
  `list_filter(${extras}, lambda e: ${OWN_MAP} IS NULL OR NOT map_contains(${OWN_MAP}, e.key)) AS ${ADDED}`;

/**
 * The first extra value whose key the own object holds with another value. Values are compared as text
 * (a CSV cell 5 agrees with a JSON 5 or "5"), objects and arrays as their JSON text.
 */
export const conflict = (extras: string) =>
  `CASE WHEN ${OWN_MAP} IS NOT NULL THEN list_filter(${extras}, lambda e: map_contains(${OWN_MAP}, e.key)
     AND json_extract_string(${OWN_MAP}[e.key], '$') IS DISTINCT FROM json_extract_string(e.value, '$'))[1]
   END AS ${CONFLICT}`;

/**
 * The stored object: the own object, text as given, with the extra values whose keys it lacks appended
 * after its last key. Not json_merge_patch: a merge patch drops nulls inside the values it adds.
 */
export function merged(own: string): string {
  const addedObject = `to_json(map_from_entries(${ADDED}))::VARCHAR`;
  const ownText = `rtrim(${own}::VARCHAR)`;
  return `CASE WHEN coalesce(len(${ADDED}), 0) = 0 THEN ${own}
    WHEN ${own} IS NULL OR len(json_keys(${own})) = 0 THEN ${addedObject}::JSON
    ELSE (left(${ownText}, length(${ownText}) - 1) || ',' || substr(${addedObject}, 2))::JSON END`;
}
