// Builds `stage_typed` in one pass inside DuckDB, straight from the file's reader, in file order (so a row's
// `rowid` + 1 is its record number; no window function, which would make the pass single-threaded): each
// canonical column cast to its type, the first problem of each row as 'code|column' (NULL when the row is good), a hash of
// the row's content (duplicate delivery or conflict?) and of its key, and for refused rows their raw text.

import { type ColumnSpec, type RowRule, type TableSpec, tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import type { SourceFile } from './discover.ts';
import {
  added,
  CONFLICT,
  conflict,
  defineJsonMacros,
  hasRepeatedKey,
  merged,
  ownMap,
  repeatedKey,
} from './json-values.ts';
import type { LoadScope } from './known-rows.ts';
import { readFailure } from './read-failure.ts';
import { BLANK_LINE, type SourceReader } from './stage-source.ts';
import type { StageTables } from './stage-tables.ts';

export interface TypedStageOptions {
  /** Timestamps after this instant are refused as being in the future. */
  readonly futureLimit: Date;
}

const v = (c: string) => `"v_${c}"`;
const t = (c: string) => `"t_${c}"`;
/** The value exactly as the file wrote it, for the quarantine. */
const r = (c: string) => `"r_${c}"`;
/** A JSON column's own object, before extra columns are merged in. */
const j = (c: string) => `"j_${c}"`;
/** The top-level keys of a JSON column's stored object. */
const k = (c: string) => `"k_${c}"`;

// Shapes a value must have before DuckDB's cast is trusted: its casts also accept 'epoch', 'infinity',
// '1e1' or '7.5' for an integer (rounded), which a data contract must refuse. Dates and timestamps are
// checked by position (cheap on large event tables); the cast then checks the digits.
function shapeCheck(kind: ColumnSpec['kind'], raw: string): string | undefined {
  const isoDate = `substr(${raw}, 5, 1) = '-' AND substr(${raw}, 8, 1) = '-'`;
  if (kind === 'date') return `${isoDate} AND length(${raw}) = 10`;
  // RFC 3339 allows a lowercase t and z.
  if (kind === 'timestamp')
    return `${isoDate} AND (length(${raw}) = 10 OR substr(${raw}, 11, 1) IN ('T', ' ', 't'))`;
  if (kind === 'integer') return String.raw`regexp_full_match(${raw}, '[+-]?\d+')`;
  if (kind === 'money') return String.raw`regexp_full_match(${raw}, '[+-]?(\d+\.?\d*|\.\d+)')`;
  return undefined;
}

/**
 * Text without surrounding spaces, empty as NULL. Trimming copies every string, so only values that start
 * or end with a space are trimmed (twice as fast on large event tables).
 */
const trimmed = (text: string) =>
  `CASE WHEN starts_with(${text}, ' ') OR ends_with(${text}, ' ') THEN nullif(trim(${text}), '') ELSE nullif(${text}, '') END`;

/** The JSON object a text holds, or NULL (a valid JSON text starting with '{' is an object). */
const jsonObject = (raw: string) => `CASE WHEN starts_with(${raw}, '{') THEN try_cast(${raw} AS JSON) END`;

function typedExpr(col: ColumnSpec, db: DuckDBEngine): string {
  const raw = v(col.name);
  if (col.kind === 'id') return raw;
  if (col.kind === 'text') return col.fold ? `${col.fold}(${raw})` : raw;
  if (col.kind === 'json') return jsonObject(raw);
  // DuckDB reads only an uppercase T and Z; the same instant in lowercase is given to it in uppercase.
  const text =
    col.kind === 'timestamp'
      ? `CASE WHEN substr(${raw}, 11, 1) = 't' OR ends_with(${raw}, 'z') THEN upper(${raw}) ELSE ${raw} END`
      : raw;
  const cast = `try_cast(${text} AS ${db.dialect.columnType(col.kind)})`;
  const shape = shapeCheck(col.kind, raw);
  return shape ? `CASE WHEN ${shape} THEN ${cast} END` : cast;
}

const TYPE_PROBLEM: Record<string, string> = {
  timestamp: 'bad_timestamp',
  date: 'bad_date',
  money: 'bad_number',
  integer: 'bad_integer',
  boolean: 'bad_boolean',
};

/**
 * What DuckDB's timestamp cast would bend: a zone name (it reads PST as Los Angeles time, daylight saving
 * included, and other abbreviations as whatever ICU picks) and digits past the microsecond (it drops them).
 * Only rows the cheap tests single out are matched against a pattern: a zone name ends in a letter other
 * than Z or holds a slash (Etc/GMT+8); sub-microsecond digits put a 7th digit after the point.
 */
function timestampChecks(raw: string, typed: string): [string, string][] {
  const last = `right(${raw}, 1)`;
  const zoneName = `${typed} IS NOT NULL
    AND ((NOT (${last} BETWEEN '0' AND '9') AND ${last} NOT IN ('Z', 'z')) OR contains(${raw}, '/'))
    AND upper(right(${raw}, 4)) NOT IN (' UTC', ' GMT')`;
  const subMicro = String.raw`${typed} IS NOT NULL AND substr(${raw}, 20, 1) = '.'
    AND substr(${raw}, 27, 1) BETWEEN '0' AND '9'
    AND length(rtrim(regexp_extract(${raw}, '^.{19}\.(\d+)', 1), '0')) > 6`;
  return [
    [zoneName, 'time_zone_name'],
    [subMicro, 'sub_microsecond'],
  ];
}

/** A check: the condition, and SQL giving the problem ('code|column'). */
type Check = [string, string];
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The checks of one column, in the order they are judged. */
function columnChecks(col: ColumnSpec, params: SqlParams, futureLimit: Date, extras: boolean): Check[] {
  const raw = v(col.name);
  const typed = t(col.name);
  const checks: [string, string][] = [];
  if (col.required) checks.push([`${raw} IS NULL`, 'required']);
  const typeProblem = TYPE_PROBLEM[col.kind];
  if (typeProblem) checks.push([`${raw} IS NOT NULL AND ${typed} IS NULL`, typeProblem]);
  // Judged on the row's own object, before extra values are merged into the stored value; repeated keys
  // on the stored value, which holds the extra values' nested objects too.
  if (col.kind === 'json') {
    checks.push([`${raw} IS NOT NULL AND ${j(col.name)} IS NULL`, 'bad_json']);
    checks.push([hasRepeatedKey(typed, k(col.name)), 'duplicate_json_key']);
  }
  if (col.kind === 'timestamp') checks.push(...timestampChecks(raw, typed));
  // Digits after the point beyond the four stored (trailing zeros aside); the shape check ensured a plain decimal.
  if (col.kind === 'money') {
    checks.push([`length(rtrim(split_part(${raw}, '.', 2), '0')) > 4`, 'too_precise']);
  }
  if (col.min !== undefined) {
    checks.push([`${typed} < ${params.bind(col.min)}`, col.min === 0 ? 'negative' : 'out_of_range']);
  }
  if (col.max !== undefined) checks.push([`${typed} > ${params.bind(col.max)}`, 'out_of_range']);
  if (col.oneOf) {
    checks.push([`${typed} NOT IN (${col.oneOf.map((o) => params.bind(o)).join(', ')})`, 'not_allowed']);
  }
  if (col.pattern) {
    // A literal (the pattern is ours, from the contract): a bound pattern is compiled again for every row.
    const literal = `'${col.pattern.replaceAll("'", "''")}'`;
    checks.push([`NOT regexp_full_match(${typed}, ${literal})`, 'bad_pattern']);
  }
  if (col.kind === 'timestamp' && !col.scheduled) {
    checks.push([`${typed} > ${params.bind(futureLimit.toISOString())}::TIMESTAMPTZ`, 'future']);
  }
  const judged: Check[] = checks.map(([cond, code]) => [cond, literal(`${code}|${col.name}`)]);
  // The extra column is the column at fault (its name is the key).
  if (extras) judged.push([`${CONFLICT} IS NOT NULL`, `'extra_column_conflict|' || ${CONFLICT}.key`]);
  return judged;
}

function ruleCheck(rule: RowRule, params: SqlParams): Check {
  switch (rule.kind) {
    case 'order':
      return [`${t(rule.later)} < ${t(rule.earlier)}`, literal(`out_of_order|${rule.later}`)];
    case 'scale':
      return [
        `${t(rule.when.column)} = ${params.bind(rule.when.equals)} AND ${t(rule.column)} NOT BETWEEN ${params.bind(rule.min)} AND ${params.bind(rule.max)}`,
        literal(`out_of_scale|${rule.column}`),
      ];
    case 'one_required':
      return [
        rule.columns.map((c) => `${t(c)} IS NULL`).join(' AND '),
        literal(`no_owner|${rule.columns.join('+')}`),
      ];
  }
}

/** The key a refusal names (a repeated key, or an extra column at odds with the JSON), as SQL. */
function problemKey(cols: readonly ColumnSpec[], src: SourceReader, extras: boolean): string {
  const cases = cols
    .filter((c) => c.kind === 'json')
    .map((c) => `WHEN __problem = 'duplicate_json_key|${c.name}' THEN ${repeatedKey(t(c.name))}`);
  if (src.readProblemKey) cases.push(`WHEN __problem = 'duplicate_json_key|' THEN ${src.readProblemKey}`);
  if (extras) cases.push(`WHEN starts_with(__problem, 'extra_column_conflict|') THEN ${CONFLICT}.key`);
  return cases.length ? `CASE ${cases.join(' ')} END` : 'NULL::VARCHAR';
}

/**
 * Steps 1 and 2 of the pass, as SQL: each column's raw text (trimmed, empty as NULL) and as the file wrote it,
 * the row's extra values, then typed values; the JSON column that takes extra values gets them unless they
 * conflict. `extras` tells whether the file can have extra values at all.
 */
function typedRows(db: DuckDBEngine, st: StageTables, src: SourceReader, spec: TableSpec, params: SqlParams) {
  const cols = spec.columns;
  const rawSelect = cols.flatMap((c) => {
    const expr = src.columns.get(c.name);
    const text = expr ? `CAST(${expr} AS VARCHAR)` : 'NULL::VARCHAR';
    return [`${trimmed(text)} AS ${v(c.name)}`, `${text} AS ${r(c.name)}`];
  });
  const into = spec.extraColumnsInto;
  const extraEntries = into ? src.extraEntries(params) : undefined;
  if (extraEntries) rawSelect.push(`${extraEntries} AS __extra`);
  // The source's own columns pass through (s.*), so the raw row is only assembled for refused rows.
  const rawQuery = `SELECT s.*, ${src.readProblem ?? 'NULL'} AS __read_problem, ${rawSelect.join(', ')}
    FROM ${src.from(params, st)}`;

  const ownJson = cols.filter((c) => c.kind === 'json').map((c) => `${typedExpr(c, db)} AS ${j(c.name)}`);
  const extras = extraEntries !== undefined && into !== undefined;
  const typedSelect = cols.map((c) => {
    if (c.kind !== 'json') return `${typedExpr(c, db)} AS ${t(c.name)}`;
    return `${extras && into === c.name ? merged(j(c.name)) : j(c.name)} AS ${t(c.name)}`;
  });
  if (extras) typedSelect.push(conflict('__extra'));
  const withOwn = `SELECT r.*${ownJson.map((o) => `, ${o}`).join('')} FROM (${rawQuery}) r`;
  const withAdded = extras
    ? `SELECT *, ${added('__extra')} FROM (SELECT *, ${ownMap(j(into), '__extra')} FROM (${withOwn}))`
    : withOwn;
  // The stored objects' keys, as columns: the repeated-key check reads them many times.
  const keyLists = cols
    .filter((c) => c.kind === 'json')
    .map((c) => `, json_keys(${t(c.name)}) AS ${k(c.name)}`);
  const sql = `SELECT *${keyLists.join('')} FROM (SELECT *, ${typedSelect.join(', ')} FROM (${withAdded}))`;
  return { sql, extras, into };
}

export async function buildTypedStage(
  db: DuckDBEngine,
  st: StageTables,
  file: SourceFile,
  src: SourceReader,
  opts: TypedStageOptions,
): Promise<void> {
  const spec = tableSpec(file.table);
  const params = new SqlParams(db.dialect);
  const cols = spec.columns;
  const { sql: typedQuery, extras, into } = typedRows(db, st, src, spec, params);

  // 3. The first problem of each row, the hashes, and what a refused row looked like.
  const checks = cols.flatMap((c) => columnChecks(c, params, opts.futureLimit, extras && c.name === into));
  for (const rule of spec.rules ?? []) checks.push(ruleCheck(rule, params));
  if (spec.name === 'events') checks.push([`${t('customer_id')} IS NULL`, "'no_customer|customer_id'"]);
  const problem = `CASE WHEN __read_problem IS NOT NULL THEN __read_problem ${checks
    .map(([cond, code]) => `WHEN ${cond} THEN ${code}`)
    .join(' ')} END`;
  const rawValueOfColumn = cols.map((c) => `WHEN '${c.name}' THEN ${r(c.name)}`).join(' ');
  const valueOfExtra = extras
    ? `WHEN starts_with(__problem, 'extra_column_conflict|') THEN json_extract_string(${CONFLICT}.value, '$') `
    : '';
  const finalSelect = cols.map((c) => `${t(c.name)} AS "${c.name}"`).join(', ');
  await defineJsonMacros(db);
  try {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${st.typed} AS
       SELECT ${finalSelect}, __problem,
         hash(${spec.key.map((key) => t(key)).join(', ')}) AS __keyhash,
         CASE WHEN __problem IS NULL THEN NULL ${valueOfExtra}
           ELSE CASE split_part(__problem, '|', 2) ${rawValueOfColumn} END END AS __value,
         CASE WHEN __problem IS NOT NULL THEN ${src.rawExpr(params)} END AS __raw,
         CASE WHEN __problem IS NOT NULL THEN ${problemKey(cols, src, extras)} END AS __key
       FROM (SELECT *, ${problem} AS __problem FROM (${typedQuery}))`,
      params.values,
    );
  } catch (err) {
    throw await readFailure(file, err);
  }
  // Row ids count up from a base in file order; they keep their values after a delete, so record numbers
  // stay those of the file.
  await db.run(`CREATE OR REPLACE TEMP TABLE ${st.base} AS SELECT min(rowid) - 1 AS base FROM ${st.typed}`);
  await db.run(`DELETE FROM ${st.typed} WHERE __problem = '${BLANK_LINE}|'`);
}

/**
 * Events without a customer_id take their user's customer (users) or, for consumer data where users are
 * customers, the customer whose id is the user_id. Only the few rows refused for it are revisited.
 */
export async function resolveEventCustomers(
  db: DuckDBEngine,
  st: StageTables,
  scope: LoadScope,
): Promise<void> {
  const unresolved = await db.query(
    `SELECT 1 AS one FROM ${st.typed} WHERE __problem = 'no_customer|customer_id' LIMIT 1`,
  );
  if (unresolved.length === 0) return;
  await db.run(
    `UPDATE ${st.typed} SET customer_id = m.cid, __problem = NULL, __value = NULL, __raw = NULL
     FROM (SELECT x.rowid AS row_id, coalesce(u.customer_id, c.customer_id) AS cid FROM ${st.typed} x
           LEFT JOIN ${scope.known('users', ['user_id', 'customer_id'])} u ON u.user_id = x.user_id
           LEFT JOIN ${scope.known('customers', ['customer_id'])} c ON c.customer_id = x.user_id
           WHERE x.__problem = 'no_customer|customer_id') m
     WHERE ${st.typed}.rowid = m.row_id AND m.cid IS NOT NULL`,
  );
}
