// Keeps every refused row in `tenure_quarantine` with file, line, column, value, reason and the raw row.
// Keeping is idempotent: loading the same file again does not add the same refusal twice.
import { tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import type { SourceFile } from './discover.ts';
import { csvRejectProblem } from './problems.ts';
import { CSV_REJECTS_TABLE, type SourceReader } from './stage-source.ts';

export interface Refusals {
  quarantined: number;
  duplicates: number;
  /** CSV lines the reader itself could not parse (never staged). */
  rejectedLines: number;
}

const CSV_REJECT_KINDS = [
  'MISSING COLUMNS',
  'TOO MANY COLUMNS',
  'UNQUOTED VALUE',
  'INVALID ENCODING',
  'INVALID UNICODE',
  'LINE SIZE OVER MAXIMUM',
];

/** SQL for the physical line of record `__rec`: rows after lines the CSV reader refused shift down. */
function lineExpr(src: SourceReader): { expr: string; join: string } {
  if (!src.tracksRejects) return { expr: `x.__rec + ${src.lineOffset}`, join: '' };
  return {
    expr: `x.__rec + ${src.lineOffset} + coalesce(shift.j, 0)`,
    join: `ASOF LEFT JOIN (SELECT t, max(j) AS j FROM (
        SELECT line - row_number() OVER (ORDER BY line) - ${src.lineOffset} + 1 AS t,
               row_number() OVER (ORDER BY line) AS j
        FROM (SELECT DISTINCT line FROM ${CSV_REJECTS_TABLE})) GROUP BY t) shift ON x.__rec >= shift.t`,
  };
}

function keepOnce(table: string): string {
  return `NOT EXISTS (SELECT 1 FROM tenure_quarantine e WHERE e.table_name = ${table} AND e.file = $3
      AND e.line = q.line AND e.reason_code = q.code AND e.raw IS NOT DISTINCT FROM q.raw)`;
}

async function rejectsExist(db: DuckDBEngine): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 AS one FROM information_schema.tables WHERE table_name = '${CSV_REJECTS_TABLE}'`,
  );
  if (rows.length === 0) return false;
  return (await db.query(`SELECT 1 AS one FROM ${CSV_REJECTS_TABLE} LIMIT 1`)).length > 0;
}

export async function quarantineRefused(
  db: DuckDBEngine,
  file: SourceFile,
  src: SourceReader,
  loadId: number,
): Promise<Refusals> {
  const cols = tableSpec(file.table).columns;
  const hasRejects = src.tracksRejects && (await rejectsExist(db));
  const line = lineExpr({ ...src, tracksRejects: hasRejects });
  // Refused rows are few: materialise them once, then count and keep them.
  const typedValueOfColumn = cols
    .map((c) => `WHEN '${c.name}' THEN CAST(x."${c.name}" AS VARCHAR)`)
    .join(' ');
  const rowJson = `to_json(struct_pack(${cols.map((c) => `"${c.name}" := x."${c.name}"`).join(', ')}))::VARCHAR`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_refused AS
     SELECT ${line.expr} AS line, split_part(x.__outcome, '|', 1) AS code, split_part(x.__outcome, '|', 2) AS col,
       coalesce(x.__value, CASE split_part(x.__outcome, '|', 2) ${typedValueOfColumn} END) AS value,
       coalesce(x.__raw, ${rowJson}) AS raw
     FROM stage_outcome x ${line.join} WHERE x.__outcome IS NOT NULL`,
  );
  const params = [loadId, file.table, file.path];
  await db.run(
    `INSERT INTO tenure_quarantine
     SELECT $1, $2, $3, q.line, nullif(q.col, ''), q.value, q.code, m.reason, q.raw
     FROM stage_refused q JOIN problem_reasons m ON m.code = q.code
     WHERE q.code <> 'duplicate' AND ${keepOnce('$2')}`,
    params,
  );
  const [counts] = await db.query<{ duplicates: number; refused: number }>(
    `SELECT count(*) FILTER (WHERE code = 'duplicate') AS duplicates,
            count(*) FILTER (WHERE code <> 'duplicate') AS refused FROM stage_refused`,
  );
  let rejectedLines = 0;
  if (hasRejects) {
    const p = new SqlParams(db.dialect);
    for (const value of params) p.bind(value);
    const headerCase = (src.header ?? []).map((h, i) => `WHEN 'c${i}' THEN ${p.bind(h)}`).join(' ');
    const codeCase = CSV_REJECT_KINDS.map((k) => `WHEN '${k}' THEN '${csvRejectProblem(k)}'`).join(' ');
    await db.run(
      `INSERT INTO tenure_quarantine
       SELECT $1, $2, $3, q.line, q.col, NULL, q.code, m.reason, q.raw FROM (
         SELECT DISTINCT ON (line) line, CASE column_name ${headerCase || 'WHEN NULL THEN NULL'} END AS col,
           CASE error_type ${codeCase} ELSE 'malformed_line' END AS code, csv_line AS raw
         FROM ${CSV_REJECTS_TABLE} ORDER BY line, error_type) q
       JOIN problem_reasons m ON m.code = q.code
       WHERE ${keepOnce('$2')}`,
      p.values,
    );
    const [n] = await db.query<{ n: number }>(`SELECT count(DISTINCT line) AS n FROM ${CSV_REJECTS_TABLE}`);
    rejectedLines = Number(n?.n ?? 0);
  }
  return {
    quarantined: Number(counts?.refused ?? 0) + rejectedLines,
    duplicates: Number(counts?.duplicates ?? 0),
    rejectedLines,
  };
}
