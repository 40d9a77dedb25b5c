// Loads one file into its canonical table: type and check every row in one pass, decide duplicates,
// conflicts and references, publish the good rows and quarantine the rest with their reason. Every row
// read ends up loaded, quarantined or counted as a duplicate.
import { badInput } from '../errors/tenure-error.ts';
import { tableSpec } from '../schema/tables.ts';
import { canonicalColumns, LOAD_ID_COLUMN } from '../warehouse/canonical-ddl.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { SourceFile } from './discover.ts';
import { buildOutcome } from './outcome.ts';
import { collectRefused, keepRefused } from './quarantine-refused.ts';
import { CSV_REJECTS_TABLE, type SourceReader, sourceReader } from './stage-source.ts';
import { buildTypedStage, resolveEventCustomers } from './typed-stage.ts';

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

function checkHeader(file: SourceFile, src: SourceReader): void {
  if (file.format === 'ndjson') return;
  const spec = tableSpec(file.table);
  const missing = spec.columns.filter((c) => c.required && !src.columns.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    const found = [...src.columns.keys(), ...src.extras.map((e) => e.name)].join(', ') || 'no columns';
    throw badInput(
      `required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing from the header`,
      { file: file.name, line: 1, column: missing[0] },
      `the header has ${found}; add ${missing.join(', ')} (see docs/data-model.md)`,
    );
  }
}

async function count(db: DuckDBEngine, sql: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql);
  return Number(row?.n ?? 0);
}

export async function loadTable(db: DuckDBEngine, file: SourceFile, ctx: LoadContext): Promise<TableCounts> {
  const spec = tableSpec(file.table);
  const src = await sourceReader(db, file);
  checkHeader(file, src);
  ctx.onStage?.('reading and validating');
  await db.run(`DROP TABLE IF EXISTS ${CSV_REJECTS_TABLE}; DROP TABLE IF EXISTS stage_csv_scans`);
  await buildTypedStage(db, spec, file, src, { futureLimit: ctx.futureLimit });
  if (file.table === 'events') await resolveEventCustomers(db, spec);
  ctx.onStage?.('checking keys and references');
  await buildOutcome(db, spec);
  await collectRefused(db, file.table);
  ctx.onStage?.('publishing');
  const cols = canonicalColumns(file.table)
    .map((c) => `"${c}"`)
    .join(', ');
  const loaded = await db.run(
    `INSERT INTO "${file.table}" (${cols}, "${LOAD_ID_COLUMN}")
     SELECT ${cols}, $1 FROM stage_typed x
     WHERE x.__problem IS NULL AND NOT EXISTS (SELECT 1 FROM stage_refused f WHERE f.rec = x.__rec)`,
    [ctx.loadId],
  );
  const refused = await keepRefused(db, file, src, ctx.loadId);
  const staged = await count(db, 'SELECT count(*) AS n FROM stage_typed');
  return {
    read: staged + refused.rejectedLines,
    loaded,
    quarantined: refused.quarantined,
    duplicates: refused.duplicates,
  };
}
