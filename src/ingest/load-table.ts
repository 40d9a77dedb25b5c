// Loads one staged, typed file into its canonical table: marks repeats and conflicts (within the file
// and against rows already loaded), unknown references, then publishes the good rows and quarantines the
// rest with their reason. Every row read ends up loaded, quarantined or counted as a duplicate.
import { badInput } from '../errors/tenure-error.ts';
import { tableSpec } from '../schema/tables.ts';
import { canonicalColumns, LOAD_ID_COLUMN } from '../warehouse/canonical-ddl.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { BindValue } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import type { SourceFile } from './discover.ts';
import { csvRejectProblem } from './problems.ts';
import { CSV_REJECTS_TABLE, type StagedSource, stageSource } from './stage-source.ts';
import { buildTypedStage } from './typed-stage.ts';

export interface TableCounts {
  read: number;
  loaded: number;
  quarantined: number;
  duplicates: number;
}

export interface LoadContext {
  readonly loadId: number;
  readonly futureLimit: Date;
  readonly onStage?: (stage: string) => void;
}

const keyMatch = (key: readonly string[], a: string, b: string) =>
  key.map((k) => `${a}."${k}" IS NOT DISTINCT FROM ${b}."${k}"`).join(' AND ');

function checkHeader(file: SourceFile, src: StagedSource): void {
  if (file.format === 'ndjson') return;
  const spec = tableSpec(file.table);
  const missing = spec.columns.filter((c) => c.required && !src.columns.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw badInput(
      `required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing from the header`,
      { file: file.name, line: 1, column: missing[0] },
      `the header has ${[...src.columns.keys(), ...src.extras.map((e) => e.name)].join(', ') || 'no columns'}; add ${missing.join(', ')} (see docs/data-model.md)`,
    );
  }
}

async function markRepeats(db: DuckDBEngine, file: SourceFile): Promise<void> {
  const spec = tableSpec(file.table);
  const key = spec.key.map((k) => `"${k}"`).join(', ');
  const firstKey = spec.key[0] ?? '';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_repeats AS
     SELECT ${key}, count(DISTINCT __hash) AS variants, min(__line) AS first_line
     FROM stage_typed WHERE __problem IS NULL GROUP BY ${key} HAVING count(*) > 1`,
  );
  await db.run(
    `UPDATE stage_typed SET __problem = CASE WHEN r.variants > 1 THEN 'conflict|${firstKey}' ELSE 'duplicate|' END
     FROM stage_repeats r
     WHERE stage_typed.__problem IS NULL AND ${keyMatch(spec.key, 'stage_typed', 'r')}
       AND (r.variants > 1 OR stage_typed.__line <> r.first_line)`,
  );
  // Rows already in the warehouse: the same content again is a duplicate delivery, other content a conflict.
  const cols = canonicalColumns(file.table)
    .map((c) => `"${c}"`)
    .join(', ');
  await db.run(
    `UPDATE stage_typed SET __problem = CASE WHEN e.__hash = stage_typed.__hash THEN 'duplicate|'
       ELSE 'conflict_existing|${firstKey}' END
     FROM (SELECT ${key}, hash(${cols}) AS __hash FROM "${file.table}" w
           WHERE EXISTS (SELECT 1 FROM stage_typed x WHERE ${keyMatch(spec.key, 'x', 'w')})) e
     WHERE stage_typed.__problem IS NULL AND ${keyMatch(spec.key, 'stage_typed', 'e')}`,
  );
}

async function markUnknownReferences(db: DuckDBEngine, file: SourceFile): Promise<void> {
  for (const col of tableSpec(file.table).columns) {
    if (!col.references) continue;
    const refKey = tableSpec(col.references).key[0] ?? '';
    const selfRows =
      col.references === file.table ? ` UNION ALL SELECT "${refKey}" FROM stage_typed WHERE __problem IS NULL` : '';
    await db.run(
      `UPDATE stage_typed SET __problem = 'unknown_reference|${col.name}'
       WHERE __problem IS NULL AND "${col.name}" IS NOT NULL
         AND "${col.name}" NOT IN (SELECT "${refKey}" FROM "${col.references}"${selfRows})`,
    );
  }
}

async function quarantine(db: DuckDBEngine, file: SourceFile, src: StagedSource, loadId: number): Promise<void> {
  const params: BindValue[] = [loadId, file.table, file.path];
  const p = new SqlParams(db.dialect);
  for (const value of params) p.bind(value);
  const valueCase = [...src.columns.entries()]
    .map(([name, expr]) => `WHEN ${p.bind(name)} THEN CAST(${expr} AS VARCHAR)`)
    .join(' ');
  const rawExpr = src.rawExpr(p);
  const notYetKept = `NOT EXISTS (SELECT 1 FROM tenure_quarantine e WHERE e.table_name = $2 AND e.file = $3
      AND e.line = q.line AND e.reason_code = q.code AND e.raw IS NOT DISTINCT FROM q.raw)`;
  await db.run(
    `INSERT INTO tenure_quarantine
     SELECT $1, $2, $3, q.line, q.col, q.value, q.code, m.reason, q.raw FROM (
       SELECT x.__line AS line, split_part(x.__problem, '|', 1) AS code, split_part(x.__problem, '|', 2) AS col,
         CASE split_part(x.__problem, '|', 2) ${valueCase || 'WHEN NULL THEN NULL'} END AS value, ${rawExpr} AS raw
       FROM stage_typed x JOIN stage_read s ON s.__rec = x.__rec
       WHERE x.__problem IS NOT NULL AND NOT starts_with(x.__problem, 'duplicate|')) q
     JOIN problem_reasons m ON m.code = q.code
     WHERE ${notYetKept}`,
    p.values,
  );
  if (!src.hasRejects) return;
  const kinds = ['MISSING COLUMNS', 'TOO MANY COLUMNS', 'UNQUOTED VALUE', 'INVALID ENCODING', 'LINE SIZE OVER MAXIMUM'];
  const rp = new SqlParams(db.dialect);
  for (const value of params) rp.bind(value);
  const headerCase = (src.header ?? []).map((h, i) => `WHEN 'c${i}' THEN ${rp.bind(h)}`).join(' ') || 'WHEN NULL THEN NULL';
  const codeCase = kinds.map((k) => `WHEN '${k}' THEN '${csvRejectProblem(k)}'`).join(' ');
  await db.run(
    `INSERT INTO tenure_quarantine
     SELECT $1, $2, $3, q.line, q.col, q.value, q.code, m.reason, q.raw FROM (
       SELECT DISTINCT ON (line) line, CASE column_name ${headerCase} END AS col, NULL AS value,
         CASE error_type ${codeCase} ELSE 'malformed_line' END AS code, csv_line AS raw
       FROM ${CSV_REJECTS_TABLE} ORDER BY line, error_type) q
     JOIN problem_reasons m ON m.code = q.code
     WHERE ${notYetKept}`,
    rp.values,
  );
}

async function countOutcomes(db: DuckDBEngine, src: StagedSource, loaded: number): Promise<TableCounts> {
  const [row] = await db.query<{ duplicates: number; refused: number }>(
    `SELECT count(*) FILTER (WHERE starts_with(__problem, 'duplicate|')) AS duplicates,
            count(*) FILTER (WHERE __problem IS NOT NULL AND NOT starts_with(__problem, 'duplicate|')) AS refused
     FROM stage_typed`,
  );
  const [rej] = src.hasRejects
    ? await db.query<{ n: number }>(`SELECT count(DISTINCT line) AS n FROM ${CSV_REJECTS_TABLE}`)
    : [{ n: 0 }];
  const rejected = Number(rej?.n ?? 0);
  return {
    read: src.rows + rejected,
    loaded,
    quarantined: Number(row?.refused ?? 0) + rejected,
    duplicates: Number(row?.duplicates ?? 0),
  };
}

export async function loadTable(db: DuckDBEngine, file: SourceFile, ctx: LoadContext): Promise<TableCounts> {
  const spec = tableSpec(file.table);
  ctx.onStage?.('reading');
  const src = await stageSource(db, file);
  checkHeader(file, src);
  ctx.onStage?.('validating');
  await buildTypedStage(db, spec, src, {
    futureLimit: ctx.futureLimit,
    resolveEventCustomers: file.table === 'events' && src.columns.has('user_id'),
  });
  ctx.onStage?.('checking keys and references');
  await markRepeats(db, file);
  await markUnknownReferences(db, file);
  ctx.onStage?.('publishing');
  const cols = canonicalColumns(file.table)
    .map((c) => `"${c}"`)
    .join(', ');
  const loaded = await db.run(
    `INSERT INTO "${file.table}" (${cols}, "${LOAD_ID_COLUMN}")
     SELECT ${cols}, $1 FROM stage_typed WHERE __problem IS NULL`,
    [ctx.loadId],
  );
  await quarantine(db, file, src, ctx.loadId);
  return countOutcomes(db, src, loaded);
}
