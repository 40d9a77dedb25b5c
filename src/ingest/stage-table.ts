// Stages one file, before the load's transaction: type and check every record in one pass, decide
// duplicates, conflicts and references, and set aside the refused records with line and raw text. Every
// record read ends up good (to publish), refused (to quarantine) or a duplicate delivery.
import { badInput } from '../errors/tenure-error.ts';
import { tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { SourceFile } from './discover.ts';
import type { LoadScope } from './known-rows.ts';
import { buildOutcome } from './outcome.ts';
import { collectRefused } from './refused.ts';
import { type SourceReader, sourceReader } from './stage-source.ts';
import { dropStage, type StageTables, stageTables } from './stage-tables.ts';
import { buildTypedStage, resolveEventCustomers } from './typed-stage.ts';

export interface TableCounts {
  read: number;
  loaded: number;
  quarantined: number;
  duplicates: number;
}

export interface StagedFile {
  readonly file: SourceFile;
  readonly src: SourceReader;
  readonly tables: StageTables;
  /** What publishing will do: `loaded` is the number of good records. */
  readonly counts: TableCounts;
}

export interface StageContext {
  readonly futureLimit: Date;
  readonly scope: LoadScope;
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

export async function stageFile(db: DuckDBEngine, file: SourceFile, ctx: StageContext): Promise<StagedFile> {
  const st = stageTables(file.table);
  await dropStage((sql) => db.run(sql), st);
  const src = await sourceReader(db, file);
  checkHeader(file, src);
  ctx.onStage?.('reading and validating');
  await buildTypedStage(db, st, file, src, { futureLimit: ctx.futureLimit });
  if (file.table === 'events') await resolveEventCustomers(db, st, ctx.scope);
  ctx.onStage?.('checking keys and references');
  await buildOutcome(db, st, ctx.scope);
  const refused = await collectRefused(db, file, src, st);
  const typed = await count(db, `SELECT count(*) AS n FROM ${st.typed}`);
  ctx.scope.staged(st);
  return {
    file,
    src,
    tables: st,
    counts: {
      read: typed + refused.rejectedLines,
      loaded: typed - (refused.quarantined - refused.rejectedLines) - refused.duplicates,
      quarantined: refused.quarantined,
      duplicates: refused.duplicates,
    },
  };
}
