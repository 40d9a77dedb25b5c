// Builds `stage_typed` in one pass inside DuckDB, straight from the file's reader, in file order (so a row's
// `rowid` + 1 is its record number; no window function, which would make the pass single-threaded): each
// canonical column cast to its type, the first problem of each row as 'code|column' (NULL when the row is good), a hash of
// the row's content (duplicate delivery or conflict?) and of its key, and for refused rows their raw text.

import { badInput } from '../errors/tenure-error.ts';
import { type ColumnSpec, type RowRule, tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import type { SourceFile } from './discover.ts';
import type { LoadScope } from './known-rows.ts';
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

// Shapes a value must have before DuckDB's cast is trusted: its casts also accept 'epoch', 'infinity',
// '1e1' or '7.5' for an integer (rounded), which a data contract must refuse. Dates and timestamps are
// checked by position (cheap on large event tables); the cast then checks the digits.
function shapeCheck(kind: ColumnSpec['kind'], raw: string): string | undefined {
  const isoDate = `substr(${raw}, 5, 1) = '-' AND substr(${raw}, 8, 1) = '-'`;
  if (kind === 'date') return `${isoDate} AND length(${raw}) = 10`;
  if (kind === 'timestamp')
    return `${isoDate} AND (length(${raw}) = 10 OR substr(${raw}, 11, 1) IN ('T', ' '))`;
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
  const cast = `try_cast(${raw} AS ${db.dialect.columnType(col.kind)})`;
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

/** The checks of one column, in the order they are judged: (condition, problem code). */
function columnChecks(col: ColumnSpec, params: SqlParams, futureLimit: Date): [string, string][] {
  const raw = v(col.name);
  const typed = t(col.name);
  const checks: [string, string][] = [];
  if (col.required) checks.push([`${raw} IS NULL`, 'required']);
  const typeProblem = TYPE_PROBLEM[col.kind];
  if (typeProblem) checks.push([`${raw} IS NOT NULL AND ${typed} IS NULL`, typeProblem]);
  // Judged before extra columns are merged into the stored value.
  if (col.kind === 'json') checks.push([`${raw} IS NOT NULL AND ${j(col.name)} IS NULL`, 'bad_json']);
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
  return checks.map(([cond, code]) => [cond, `${code}|${col.name}`]);
}

function ruleCheck(rule: RowRule, params: SqlParams): [string, string] {
  switch (rule.kind) {
    case 'order':
      return [`${t(rule.later)} < ${t(rule.earlier)}`, `out_of_order|${rule.later}`];
    case 'scale':
      return [
        `${t(rule.when.column)} = ${params.bind(rule.when.equals)} AND ${t(rule.column)} NOT BETWEEN ${params.bind(rule.min)} AND ${params.bind(rule.max)}`,
        `out_of_scale|${rule.column}`,
      ];
    case 'one_required':
      return [rule.columns.map((c) => `${t(c)} IS NULL`).join(' AND '), `no_owner|${rule.columns.join('+')}`];
  }
}

function extrasObject(src: SourceReader, params: SqlParams): string | undefined {
  if (src.extras.length === 0) return undefined;
  return `json_object(${src.extras.map((e) => `${params.bind(e.name)}, ${e.expr}`).join(', ')})`;
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

  // 1. Raw text of each column, trimmed, empty as NULL; extra columns as one object; the raw row.
  const rawSelect = cols.flatMap((c) => {
    const expr = src.columns.get(c.name);
    const text = expr ? `CAST(${expr} AS VARCHAR)` : 'NULL::VARCHAR';
    return [`${trimmed(text)} AS ${v(c.name)}`, `${text} AS ${r(c.name)}`];
  });
  const extras = extrasObject(src, params);
  if (extras) rawSelect.push(`${extras} AS __extra`);
  // The source's own columns pass through (s.*), so the raw row is only assembled for refused rows.
  const rawQuery = `SELECT s.*, ${src.readProblem ?? 'NULL'} AS __read_problem, ${rawSelect.join(', ')}
    FROM ${src.from(params, st)}`;

  // 2. Typed values.
  const ownJson = cols.filter((c) => c.kind === 'json').map((c) => `${typedExpr(c, db)} AS ${j(c.name)}`);
  const typedSelect = cols.map((c) => {
    if (c.kind !== 'json') return `${typedExpr(c, db)} AS ${t(c.name)}`;
    const merged = extras && spec.extraColumnsInto === c.name;
    return `${merged ? `json_merge_patch(coalesce(${j(c.name)}, '{}'::JSON), __extra)` : j(c.name)} AS ${t(c.name)}`;
  });
  const typedQuery = `SELECT *, ${typedSelect.join(', ')} FROM (SELECT r.*${ownJson.map((o) => `, ${o}`).join('')}
    FROM (${rawQuery}) r)`;

  // 3. The first problem of each row, the hashes, and what a refused row looked like.
  const checks = cols.flatMap((c) => columnChecks(c, params, opts.futureLimit));
  for (const rule of spec.rules ?? []) checks.push(ruleCheck(rule, params));
  if (spec.name === 'events') checks.push([`${t('customer_id')} IS NULL`, 'no_customer|customer_id']);
  const problem = `CASE WHEN __read_problem IS NOT NULL THEN __read_problem || '|' ${checks
    .map(([cond, code]) => `WHEN ${cond} THEN '${code}'`)
    .join(' ')} END`;
  const rawValueOfColumn = cols.map((c) => `WHEN '${c.name}' THEN ${r(c.name)}`).join(' ');
  const finalSelect = cols.map((c) => `${t(c.name)} AS "${c.name}"`).join(', ');
  try {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${st.typed} AS
       SELECT ${finalSelect}, __problem,
         hash(${spec.key.map((k) => t(k)).join(', ')}) AS __keyhash,
         CASE WHEN __problem IS NOT NULL THEN CASE split_part(__problem, '|', 2) ${rawValueOfColumn} END END AS __value,
         CASE WHEN __problem IS NOT NULL THEN ${src.rawExpr(params)} END AS __raw
       FROM (SELECT *, ${problem} AS __problem FROM (${typedQuery}))`,
      params.values,
    );
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw badInput(
      `cannot read the file: ${detail}`,
      { file: file.name },
      `check that it is a ${file.format} file`,
    );
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
