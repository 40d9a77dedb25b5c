// Keeps every refused row in `tenure_quarantine` with file, line, column, value, reason and the raw row as
// the file wrote it. Keeping is idempotent: loading the same file again does not add the same refusal twice.
import { tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import { blankLines } from './blank-lines.ts';
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

/**
 * Materialises the refused rows (few) before anything is published, so that publishing cannot change
 * their verdict: `stage_refused(rec, code, col, value, raw)`.
 */
export async function collectRefused(db: DuckDBEngine, table: SourceFile['table']): Promise<void> {
  const cols = tableSpec(table).columns;
  const typedValueOfColumn = cols
    .map((c) => `WHEN '${c.name}' THEN CAST(x."${c.name}" AS VARCHAR)`)
    .join(' ');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_refused AS
     SELECT x.__rec AS rec, split_part(x.__outcome, '|', 1) AS code, split_part(x.__outcome, '|', 2) AS col,
       coalesce(x.__value, CASE split_part(x.__outcome, '|', 2) ${typedValueOfColumn} END) AS value,
       x.__raw AS raw
     FROM stage_outcome x WHERE x.__outcome IS NOT NULL`,
  );
}

async function hasRows(db: DuckDBEngine, sql: string): Promise<boolean> {
  return (await db.query(sql)).length > 0;
}

/** Rows refused after typing (conflicts, unknown references) get their raw text from a second read. */
async function fillRawText(db: DuckDBEngine, src: SourceReader): Promise<void> {
  if (!(await hasRows(db, 'SELECT 1 AS one FROM stage_refused WHERE raw IS NULL LIMIT 1'))) return;
  const p = new SqlParams(db.dialect);
  const from = src.from(p, false);
  await db.run(
    `UPDATE stage_refused SET raw = s.__raw
     FROM (SELECT s.__rec, ${src.rawExpr(p)} AS __raw FROM ${from}
           WHERE s.__rec IN (SELECT rec FROM stage_refused WHERE raw IS NULL)) s
     WHERE stage_refused.rec = s.__rec`,
    p.values,
  );
}

/**
 * The line each refused record sits on. CSV records are numbered without the lines the reader skipped
 * (empty lines) or refused; those lines push later records down.
 */
async function lineNumbers(db: DuckDBEngine, file: SourceFile, src: SourceReader, hasRejects: boolean) {
  if (file.format !== 'csv') return { expr: `x.rec + ${src.lineOffset}`, join: '' };
  const blanks = await blankLines(file.path);
  if (blanks.length === 0 && !hasRejects) return { expr: `x.rec + ${src.lineOffset}`, join: '' };
  const rejected = hasRejects ? ` UNION SELECT line FROM ${CSV_REJECTS_TABLE}` : '';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_skipped_lines AS
     SELECT DISTINCT line FROM (SELECT unnest(from_json($1, '["BIGINT"]')) AS line${rejected})`,
    [JSON.stringify(blanks)],
  );
  return {
    expr: `x.rec + ${src.lineOffset} + coalesce(shift.j, 0)`,
    // The k-th skipped line L_k moves every record numbered ≥ L_k − k − offset + 1 one line down.
    join: `ASOF LEFT JOIN (SELECT t, max(j) AS j FROM (
        SELECT line - row_number() OVER (ORDER BY line) - ${src.lineOffset} + 1 AS t,
               row_number() OVER (ORDER BY line) AS j
        FROM stage_skipped_lines) GROUP BY t) shift ON x.rec >= shift.t`,
  };
}

const keepOnce = `NOT EXISTS (SELECT 1 FROM tenure_quarantine e WHERE e.table_name = $2 AND e.file = $3
      AND e.line = q.line AND e.reason_code = q.code AND e.raw IS NOT DISTINCT FROM q.raw)`;

async function keepReaderRejects(db: DuckDBEngine, src: SourceReader, params: unknown[]): Promise<number> {
  const p = new SqlParams(db.dialect);
  for (const value of params) p.bind(value as string | number);
  const headerCase = (src.header ?? []).map((h, i) => `WHEN 'c${i}' THEN ${p.bind(h)}`).join(' ');
  const codeCase = CSV_REJECT_KINDS.map((k) => `WHEN '${k}' THEN '${csvRejectProblem(k)}'`).join(' ');
  await db.run(
    `INSERT INTO tenure_quarantine
     SELECT $1, $2, $3, q.line, q.col, NULL, q.code, m.reason, q.raw FROM (
       SELECT DISTINCT ON (line) line, CASE column_name ${headerCase || 'WHEN NULL THEN NULL'} END AS col,
         CASE error_type ${codeCase} ELSE 'malformed_line' END AS code, csv_line AS raw
       FROM ${CSV_REJECTS_TABLE} ORDER BY line, error_type) q
     JOIN problem_reasons m ON m.code = q.code
     WHERE ${keepOnce}`,
    p.values,
  );
  const [n] = await db.query<{ n: number }>(`SELECT count(DISTINCT line) AS n FROM ${CSV_REJECTS_TABLE}`);
  return Number(n?.n ?? 0);
}

async function rejectsExist(db: DuckDBEngine): Promise<boolean> {
  const exists = await hasRows(
    db,
    `SELECT 1 AS one FROM information_schema.tables WHERE table_name = '${CSV_REJECTS_TABLE}'`,
  );
  return exists && (await hasRows(db, `SELECT 1 AS one FROM ${CSV_REJECTS_TABLE} LIMIT 1`));
}

export async function keepRefused(
  db: DuckDBEngine,
  file: SourceFile,
  src: SourceReader,
  loadId: number,
): Promise<Refusals> {
  const hasRejects = src.tracksRejects && (await rejectsExist(db));
  const params = [loadId, file.table, file.path];
  if (await hasRows(db, `SELECT 1 AS one FROM stage_refused WHERE code <> 'duplicate' LIMIT 1`)) {
    await fillRawText(db, src);
    const line = await lineNumbers(db, file, src, hasRejects);
    await db.run(
      `INSERT INTO tenure_quarantine
       SELECT $1, $2, $3, q.line, nullif(q.col, ''), q.value, q.code, m.reason, q.raw
       FROM (SELECT ${line.expr} AS line, x.* FROM stage_refused x ${line.join} WHERE x.code <> 'duplicate') q
       JOIN problem_reasons m ON m.code = q.code
       WHERE ${keepOnce}`,
      params,
    );
  }
  const [counts] = await db.query<{ duplicates: number; refused: number }>(
    `SELECT count(*) FILTER (WHERE code = 'duplicate') AS duplicates,
            count(*) FILTER (WHERE code <> 'duplicate') AS refused FROM stage_refused`,
  );
  const rejectedLines = hasRejects ? await keepReaderRejects(db, src, params) : 0;
  return {
    quarantined: Number(counts?.refused ?? 0) + rejectedLines,
    duplicates: Number(counts?.duplicates ?? 0),
    rejectedLines,
  };
}
