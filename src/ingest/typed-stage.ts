// Builds `stage_typed` from `stage_read` in one pass inside DuckDB: each canonical column cast to its
// type, the first problem of each row as 'code|column' (NULL when the row is good), and a hash of the
// row's content for telling duplicate deliveries from conflicts.
import type { ColumnSpec, RowRule, TableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import { CSV_REJECTS_TABLE, type StagedSource } from './stage-source.ts';

export interface TypedStageOptions {
  /** Timestamps after this instant are refused as being in the future. */
  readonly futureLimit: Date;
  /** Resolve events' missing customer_id from users (and from customers, for consumer data). */
  readonly resolveEventCustomers: boolean;
}

const v = (c: string) => `"v_${c}"`;
const t = (c: string) => `"t_${c}"`;

function typedExpr(col: ColumnSpec, db: DuckDBEngine): string {
  const raw = v(col.name);
  switch (col.kind) {
    case 'id':
      return raw;
    case 'text':
      return col.fold ? `${col.fold}(${raw})` : raw;
    case 'json':
      return `CASE WHEN json_valid(${raw}) THEN ${raw}::JSON END`;
    default:
      return `try_cast(${raw} AS ${db.dialect.columnType(col.kind)})`;
  }
}

const TYPE_PROBLEM: Record<string, string> = {
  timestamp: 'bad_timestamp',
  date: 'bad_date',
  money: 'bad_number',
  integer: 'bad_integer',
  boolean: 'bad_boolean',
  json: 'bad_json',
};

/** The checks of one column, in the order they are judged: (condition, problem code). */
function columnChecks(col: ColumnSpec, params: SqlParams, futureLimit: Date): [string, string][] {
  const raw = v(col.name);
  const typed = t(col.name);
  const checks: [string, string][] = [];
  if (col.required) checks.push([`${raw} IS NULL`, 'required']);
  const typeProblem = TYPE_PROBLEM[col.kind];
  if (typeProblem) checks.push([`${raw} IS NOT NULL AND ${typed} IS NULL`, typeProblem]);
  if (col.min !== undefined) {
    checks.push([`${typed} < ${params.bind(col.min)}`, col.min === 0 ? 'negative' : 'out_of_range']);
  }
  if (col.max !== undefined) checks.push([`${typed} > ${params.bind(col.max)}`, 'out_of_range']);
  if (col.oneOf) {
    checks.push([`${typed} NOT IN (${col.oneOf.map((o) => params.bind(o)).join(', ')})`, 'not_allowed']);
  }
  if (col.pattern) checks.push([`NOT regexp_full_match(${typed}, ${params.bind(col.pattern)})`, 'bad_pattern']);
  if (col.kind === 'timestamp') {
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

function extrasObject(src: StagedSource, params: SqlParams): string | undefined {
  if (src.extras.length === 0) return undefined;
  return `json_object(${src.extras.map((e) => `${params.bind(e.name)}, ${e.expr}`).join(', ')})`;
}

export async function buildTypedStage(
  db: DuckDBEngine,
  spec: TableSpec,
  src: StagedSource,
  opts: TypedStageOptions,
): Promise<void> {
  const params = new SqlParams(db.dialect);
  const cols = spec.columns;

  // 1. Raw text of each column, trimmed, empty as NULL; the line number; extra columns as one object.
  const rawSelect = cols.map((c) => {
    const expr = src.columns.get(c.name);
    return `${expr ? `nullif(trim(CAST(${expr} AS VARCHAR)), '')` : 'NULL::VARCHAR'} AS ${v(c.name)}`;
  });
  const extras = extrasObject(src, params);
  if (extras) rawSelect.push(`${extras} AS __extra`);
  const line = `s.__rec + ${src.lineOffset}${src.hasRejects ? ' + coalesce(shift.j, 0)' : ''}`;
  // Rows the CSV reader refused are missing from stage_read; shift the later rows' numbers past them.
  const shiftJoin = src.hasRejects
    ? `ASOF LEFT JOIN (SELECT t, max(j) AS j FROM (
         SELECT line - row_number() OVER (ORDER BY line) - ${src.lineOffset} + 1 AS t, row_number() OVER (ORDER BY line) AS j
         FROM (SELECT DISTINCT line FROM ${CSV_REJECTS_TABLE})) GROUP BY t) shift ON s.__rec >= shift.t`
    : '';
  const rawQuery = `SELECT s.__rec, ${line} AS __line, ${src.readProblem ?? 'NULL'} AS __read_problem, ${rawSelect.join(', ')}
    FROM stage_read s ${shiftJoin}`;

  // 2. Typed values.
  const typedSelect = cols.map((c) => {
    let expr = typedExpr(c, db);
    if (extras && spec.extraColumnsInto === c.name) {
      expr = `json_merge_patch(coalesce(${expr}, '{}'::JSON), r.__extra)`;
    }
    if (spec.name === 'events' && c.name === 'customer_id' && opts.resolveEventCustomers) {
      expr = `coalesce(${expr}, u.customer_id, b2c.customer_id)`;
    }
    return `${expr} AS ${t(c.name)}`;
  });
  const resolveJoin =
    spec.name === 'events' && opts.resolveEventCustomers
      ? `LEFT JOIN users u ON u.user_id = r.${v('user_id')} LEFT JOIN customers b2c ON b2c.customer_id = r.${v('user_id')}`
      : '';
  const typedQuery = `SELECT r.*, ${typedSelect.join(', ')} FROM (${rawQuery}) r ${resolveJoin}`;

  // 3. The first problem of each row, and the content hash.
  const checks = cols.flatMap((c) => columnChecks(c, params, opts.futureLimit));
  for (const rule of spec.rules ?? []) checks.push(ruleCheck(rule, params));
  if (spec.name === 'events') checks.push([`${t('customer_id')} IS NULL`, 'no_customer|customer_id']);
  const problem = `CASE WHEN __read_problem IS NOT NULL THEN __read_problem || '|' ${checks
    .map(([cond, code]) => `WHEN ${cond} THEN '${code}'`)
    .join(' ')} END`;
  const finalSelect = cols.map((c) => `${t(c.name)} AS "${c.name}"`).join(', ');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_typed AS
     SELECT __rec, __line, ${finalSelect}, ${problem} AS __problem,
       hash(${cols.map((c) => t(c.name)).join(', ')}) AS __hash
     FROM (${typedQuery})`,
    params.values,
  );
}
