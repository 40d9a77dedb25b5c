// Builds `stage_typed` in one pass inside DuckDB, straight from the file's reader: each canonical column
// cast to its type, the first problem of each row as 'code|column' (NULL when the row is good), a hash of
// the row's content (duplicate delivery or conflict?) and of its key, and for refused rows their raw text.

import { badInput } from '../errors/tenure-error.ts';
import type { ColumnSpec, RowRule, TableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import type { SourceFile } from './discover.ts';
import type { SourceReader } from './stage-source.ts';

export interface TypedStageOptions {
  /** Timestamps after this instant are refused as being in the future. */
  readonly futureLimit: Date;
}

const v = (c: string) => `"v_${c}"`;
const t = (c: string) => `"t_${c}"`;
/** The value exactly as the file wrote it, for the quarantine. */
const r = (c: string) => `"r_${c}"`;

// Shapes a value must have before DuckDB's cast is trusted: its casts also accept 'epoch', 'infinity',
// '1e1' or '7.5' for an integer (rounded), which a data contract must refuse.
const SHAPES: Partial<Record<ColumnSpec['kind'], string>> = {
  timestamp: String.raw`^\d{4}-\d{2}-\d{2}([T ]|$)`,
  date: String.raw`^\d{4}-\d{2}-\d{2}$`,
  integer: String.raw`^[+-]?\d+$`,
  money: String.raw`^[+-]?(\d+\.?\d*|\.\d+)$`,
};

const isJsonObject = (raw: string) =>
  `CASE WHEN json_valid(${raw}) THEN json_type(${raw}::JSON) = 'OBJECT' ELSE false END`;

function typedExpr(col: ColumnSpec, db: DuckDBEngine): string {
  const raw = v(col.name);
  if (col.kind === 'id') return raw;
  if (col.kind === 'text') return col.fold ? `${col.fold}(${raw})` : raw;
  if (col.kind === 'json') return `CASE WHEN ${isJsonObject(raw)} THEN ${raw}::JSON END`;
  const cast = `try_cast(${raw} AS ${db.dialect.columnType(col.kind)})`;
  const shape = SHAPES[col.kind];
  return shape ? `CASE WHEN regexp_matches(${raw}, '${shape}') THEN ${cast} END` : cast;
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
  // Judged on the text itself: the stored value may have extra columns merged into it.
  if (col.kind === 'json') checks.push([`${raw} IS NOT NULL AND NOT (${isJsonObject(raw)})`, 'bad_json']);
  if (col.kind === 'money') checks.push([`try_cast(${raw} AS DECIMAL(38,10)) <> ${typed}`, 'too_precise']);
  if (col.min !== undefined) {
    checks.push([`${typed} < ${params.bind(col.min)}`, col.min === 0 ? 'negative' : 'out_of_range']);
  }
  if (col.max !== undefined) checks.push([`${typed} > ${params.bind(col.max)}`, 'out_of_range']);
  if (col.oneOf) {
    checks.push([`${typed} NOT IN (${col.oneOf.map((o) => params.bind(o)).join(', ')})`, 'not_allowed']);
  }
  if (col.pattern) {
    checks.push([`NOT regexp_full_match(${typed}, ${params.bind(col.pattern)})`, 'bad_pattern']);
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
  spec: TableSpec,
  file: SourceFile,
  src: SourceReader,
  opts: TypedStageOptions,
): Promise<void> {
  const params = new SqlParams(db.dialect);
  const cols = spec.columns;

  // 1. Raw text of each column, trimmed, empty as NULL; extra columns as one object; the raw row.
  const rawSelect = cols.flatMap((c) => {
    const expr = src.columns.get(c.name);
    const text = expr ? `CAST(${expr} AS VARCHAR)` : 'NULL::VARCHAR';
    return [`nullif(trim(${text}), '') AS ${v(c.name)}`, `${text} AS ${r(c.name)}`];
  });
  const extras = extrasObject(src, params);
  if (extras) rawSelect.push(`${extras} AS __extra`);
  // The source's own columns pass through (s.*), so the raw row is only assembled for refused rows.
  const rawQuery = `SELECT s.*, ${src.readProblem ?? 'NULL'} AS __read_problem, ${rawSelect.join(', ')}
    FROM ${src.from(params)}`;

  // 2. Typed values.
  const typedSelect = cols.map((c) => {
    let expr = typedExpr(c, db);
    if (extras && spec.extraColumnsInto === c.name) {
      expr = `json_merge_patch(coalesce(${expr}, '{}'::JSON), r.__extra)`;
    }
    return `${expr} AS ${t(c.name)}`;
  });
  const typedQuery = `SELECT r.*, ${typedSelect.join(', ')} FROM (${rawQuery}) r`;

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
      `CREATE OR REPLACE TEMP TABLE stage_typed AS
       SELECT __rec, ${finalSelect}, __problem,
         hash(${cols.map((c) => t(c.name)).join(', ')}) AS __hash,
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
}

/**
 * Events without a customer_id take their user's customer (users table) or, for consumer data where users
 * are customers, the customer whose id is the user_id. Only the few rows refused for it are revisited.
 */
export async function resolveEventCustomers(db: DuckDBEngine, spec: TableSpec): Promise<void> {
  const hashed = spec.columns.map((c) => (c.name === 'customer_id' ? 'm.cid' : `stage_typed."${c.name}"`));
  await db.run(
    `UPDATE stage_typed SET customer_id = m.cid, __problem = NULL, __value = NULL, __raw = NULL,
       __hash = hash(${hashed.join(', ')})
     FROM (SELECT x.__rec, coalesce(u.customer_id, c.customer_id) AS cid FROM stage_typed x
           LEFT JOIN users u ON u.user_id = x.user_id LEFT JOIN customers c ON c.customer_id = x.user_id
           WHERE x.__problem = 'no_customer|customer_id') m
     WHERE stage_typed.__rec = m.__rec AND m.cid IS NOT NULL`,
  );
}
