// Refused records: collected while staging (with their line and the raw text the file gave), kept in
// `tenure_quarantine` when the load is published. Keeping is idempotent: loading the same file again does
// not add the same refusal twice.
import { tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { BindValue } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import { blankLines } from './blank-lines.ts';
import type { SourceFile } from './discover.ts';
import { readerRejectProblem } from './problems.ts';
import type { SourceReader } from './stage-source.ts';
import { recordNumber, type StageTables } from './stage-tables.ts';

export interface Refusals {
  quarantined: number;
  duplicates: number;
  /** CSV lines the reader itself could not parse (never typed). */
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

async function hasRows(db: DuckDBEngine, sql: string): Promise<boolean> {
  return (await db.query(sql)).length > 0;
}

async function rejectsExist(db: DuckDBEngine, st: StageTables): Promise<boolean> {
  const exists = await hasRows(
    db,
    `SELECT 1 AS one FROM information_schema.tables WHERE table_name = '${st.rejects}'`,
  );
  return exists && (await hasRows(db, `SELECT 1 AS one FROM ${st.rejects} LIMIT 1`));
}

/** Rows refused after typing (conflicts, unknown references) get their raw text from a second read. */
async function fillRawText(db: DuckDBEngine, src: SourceReader, st: StageTables): Promise<void> {
  if (
    !(await hasRows(
      db,
      `SELECT 1 AS one FROM ${st.refused} WHERE raw IS NULL AND code <> 'duplicate' LIMIT 1`,
    ))
  ) {
    return;
  }
  const p = new SqlParams(db.dialect);
  const from = src.from(p, st, true);
  await db.run(
    `UPDATE ${st.refused} SET raw = s.__raw
     FROM (SELECT s.__rec, ${src.rawExpr(p)} AS __raw FROM ${from}
           WHERE s.__rec IN (SELECT rec FROM ${st.refused} WHERE raw IS NULL)) s
     WHERE ${st.refused}.rec = s.__rec`,
    p.values,
  );
}

/**
 * Sets each refused record's line. CSV records are numbered without the lines the reader skipped (empty
 * lines) or refused; those lines push later records down.
 */
async function setLines(
  db: DuckDBEngine,
  file: SourceFile,
  src: SourceReader,
  st: StageTables,
  rejects: boolean,
) {
  const blanks = file.format === 'csv' ? await blankLines(file.path, src.crLineEnds) : [];
  if (blanks.length === 0 && !rejects) {
    await db.run(`UPDATE ${st.refused} SET line = rec + ${src.lineOffset}`);
    return;
  }
  const rejected = rejects ? ` UNION SELECT line FROM ${st.rejects}` : '';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${st.skippedLines} AS
     SELECT DISTINCT line FROM (SELECT unnest(from_json($1, '["BIGINT"]')) AS line${rejected})`,
    [JSON.stringify(blanks)],
  );
  // The k-th skipped line L_k moves every record numbered ≥ L_k − k − offset + 1 one line down.
  await db.run(
    `UPDATE ${st.refused} SET line = m.line FROM (
       SELECT x.rec, x.rec + ${src.lineOffset} + coalesce(shift.j, 0) AS line FROM ${st.refused} x
       ASOF LEFT JOIN (SELECT t, max(j) AS j FROM (
         SELECT line - row_number() OVER (ORDER BY line) - ${src.lineOffset} + 1 AS t,
                row_number() OVER (ORDER BY line) AS j
         FROM ${st.skippedLines}) GROUP BY t) shift ON x.rec >= shift.t) m
     WHERE ${st.refused}.rec = m.rec`,
  );
}

/** The column of an outcome 'code|column': all after the first bar (an extra column's name may hold one). */
const afterBar = (outcome: string) => `substr(${outcome}, strpos(${outcome}, '|') + 1)`;

/**
 * Materialises the refused and duplicate records (few) before anything is published, so publishing cannot
 * change their verdict, then gives them their line and raw text.
 */
export async function collectRefused(
  db: DuckDBEngine,
  file: SourceFile,
  src: SourceReader,
  st: StageTables,
): Promise<Refusals> {
  const cols = tableSpec(file.table).columns;
  const typedValueOfColumn = cols
    .map((c) => `WHEN '${c.name}' THEN CAST(x."${c.name}" AS VARCHAR)`)
    .join(' ');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${st.refused} AS
     SELECT x.__rec AS rec, NULL::BIGINT AS line, split_part(x.__outcome, '|', 1) AS code,
       nullif(${afterBar('x.__outcome')}, '') AS col,
       coalesce(x.__value, CASE ${afterBar('x.__outcome')} ${typedValueOfColumn} END) AS value,
       x.__raw AS raw, x.__key AS key
     FROM ${st.outcome} x WHERE x.__outcome IS NOT NULL`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${st.good} AS
     SELECT * FROM ${st.typed} x
     WHERE x.__problem IS NULL AND ${recordNumber(st, 'x')} NOT IN (SELECT rec FROM ${st.refused})`,
  );
  const rejects = src.tracksRejects && (await rejectsExist(db, st));
  if (await hasRows(db, `SELECT 1 AS one FROM ${st.refused} WHERE code <> 'duplicate' LIMIT 1`)) {
    await fillRawText(db, src, st);
    await setLines(db, file, src, st, rejects);
  }
  const [counts] = await db.query<{ duplicates: number; refused: number }>(
    `SELECT count(*) FILTER (WHERE code = 'duplicate') AS duplicates,
            count(*) FILTER (WHERE code <> 'duplicate') AS refused FROM ${st.refused}`,
  );
  const [rej] = rejects
    ? await db.query<{ n: number }>(`SELECT count(DISTINCT line) AS n FROM ${st.rejects}`)
    : [{ n: 0 }];
  const rejectedLines = Number(rej?.n ?? 0);
  return {
    quarantined: Number(counts?.refused ?? 0) + rejectedLines,
    duplicates: Number(counts?.duplicates ?? 0),
    rejectedLines,
  };
}

const keepOnce = `NOT EXISTS (SELECT 1 FROM tenure_quarantine e WHERE e.table_name = $2 AND e.file = $3
      AND e.line = q.line AND e.reason_code = q.code AND e.raw IS NOT DISTINCT FROM q.raw)`;

/** Inside the load's transaction: keeps the refused records and the lines the reader refused. */
export async function keepRefused(
  db: DuckDBEngine,
  file: SourceFile,
  src: SourceReader,
  st: StageTables,
  loadId: number,
): Promise<void> {
  const params: BindValue[] = [loadId, file.table, file.path];
  await db.run(
    `INSERT INTO tenure_quarantine
     SELECT $1, $2, $3, q.line, q.col, q.value, q.code, replace(m.reason, '{key}', coalesce(q.key, '')), q.raw
     FROM ${st.refused} q JOIN problem_reasons m ON m.code = q.code
     WHERE q.code <> 'duplicate' AND ${keepOnce}`,
    params,
  );
  if (!src.tracksRejects || !(await rejectsExist(db, st))) return;
  const p = new SqlParams(db.dialect);
  for (const value of params) p.bind(value);
  const headerCase = (src.header ?? []).map((h, i) => `WHEN 'c${i}' THEN ${p.bind(h)}`).join(' ');
  const codeCase = CSV_REJECT_KINDS.map(
    (k) => `WHEN '${k}' THEN '${readerRejectProblem(k, file.format)}'`,
  ).join(' ');
  const otherwise = file.format === 'csv' ? 'malformed_line' : 'bad_json_line';
  await db.run(
    `INSERT INTO tenure_quarantine
     SELECT $1, $2, $3, q.line, q.col, NULL, q.code, m.reason, q.raw FROM (
       SELECT DISTINCT ON (line) line, CASE column_name ${headerCase || 'WHEN NULL THEN NULL'} END AS col,
         CASE error_type ${codeCase} ELSE '${otherwise}' END AS code, csv_line AS raw
       FROM ${st.rejects} ORDER BY line, error_type) q
     JOIN problem_reasons m ON m.code = q.code
     WHERE ${keepOnce}`,
    p.values,
  );
}
