// Loads a folder of canonical files into the warehouse as one atomic, idempotent load.
import { resolve } from 'node:path';
import { badInput } from '../errors/tenure-error.ts';
import { tableSpec } from '../schema/tables.ts';
import { ensureWarehouseTables } from '../warehouse/canonical-ddl.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { discoverFiles, type SourceFile } from './discover.ts';
import { loadTable, type TableCounts } from './load-table.ts';
import { PROBLEMS } from './problems.ts';

export interface IngestOptions {
  readonly dataDir: string;
  /** The moment the load is judged against (future dates); defaults to now. */
  readonly now?: Date;
  /** How far past `now` a timestamp may lie before it is refused, in days (clock skew, time zones). */
  readonly futureToleranceDays?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  readonly file: SourceFile;
  readonly stage: string;
  /** Bytes of the files finished so far, and of all files: for a progress bar. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface FileReport extends TableCounts {
  readonly file: string;
}

export interface IngestReport {
  readonly loadId: number;
  readonly tables: Record<string, FileReport>;
  /** Files in the folder that are not canonical tables. */
  readonly ignored: string[];
  readonly seconds: number;
}

const DAY_MS = 86_400_000;

async function nextLoadId(db: DuckDBEngine): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    'SELECT coalesce(max(load_id), 0) + 1 AS id FROM tenure_loads',
  );
  return Number(row?.id ?? 1);
}

async function fillProblemReasons(db: DuckDBEngine): Promise<void> {
  await db.run('CREATE OR REPLACE TEMP TABLE problem_reasons (code VARCHAR, reason VARCHAR)');
  const entries = Object.entries(PROBLEMS);
  const rows = entries.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
  await db.run(`INSERT INTO problem_reasons VALUES ${rows}`, entries.flat());
}

async function hasCustomers(db: DuckDBEngine): Promise<boolean> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM customers LIMIT 1)');
  return Number(row?.n ?? 0) > 0;
}

const STAGING_TABLES = [
  'stage_typed',
  'stage_repeats',
  'stage_refused',
  'stage_skipped_lines',
  'stage_csv_rejects',
  'stage_csv_scans',
];

async function dropStaging(db: DuckDBEngine): Promise<void> {
  await db.run('DROP VIEW IF EXISTS stage_outcome');
  for (const t of STAGING_TABLES) {
    await db.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

export async function ingest(db: DuckDBEngine, opts: IngestOptions): Promise<IngestReport> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const futureLimit = new Date(now.getTime() + (opts.futureToleranceDays ?? 1) * DAY_MS);
  const { files, ignored } = await discoverFiles(opts.dataDir);
  const bytesTotal = files.reduce((sum, f) => sum + f.bytes, 0);
  const tables: Record<string, FileReport> = {};
  const loadId = await db.transaction(async () => {
    await ensureWarehouseTables(db);
    if (!files.some((f) => f.table === 'customers') && !(await hasCustomers(db))) {
      throw badInput(
        `no customers file in ${opts.dataDir}, and the warehouse has no customers yet`,
        { file: opts.dataDir },
        `add customers.csv (${tableSpec('customers')
          .columns.filter((c) => c.required)
          .map((c) => c.name)
          .join(', ')} at least): every other table refers to it`,
      );
    }
    const id = await nextLoadId(db);
    await db.run('INSERT INTO tenure_loads VALUES ($1, $2::TIMESTAMPTZ, NULL, $3)', [
      id,
      new Date(started).toISOString(),
      resolve(opts.dataDir),
    ]);
    await fillProblemReasons(db);
    let bytesDone = 0;
    for (const file of files) {
      const onStage = (stage: string) => opts.onProgress?.({ file, stage, bytesDone, bytesTotal });
      const counts = await loadTable(db, file, { loadId: id, futureLimit, onStage });
      if (file.table === 'customers' && counts.read === 0 && !(await hasCustomers(db))) {
        throw badInput(
          'the file has no rows, and the warehouse has no customers yet',
          { file: file.name },
          'export the customers again: every other table refers to them',
        );
      }
      bytesDone += file.bytes;
      tables[file.table] = { file: file.path, ...counts };
      await db.run('INSERT INTO tenure_load_files VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        id,
        file.table,
        file.path,
        file.bytes,
        counts.read,
        counts.loaded,
        counts.quarantined,
        counts.duplicates,
      ]);
    }
    await db.run('UPDATE tenure_loads SET finished_at = now() WHERE load_id = $1', [id]);
    await dropStaging(db);
    return id;
  });
  await db.run('CHECKPOINT');
  return { loadId, tables, ignored, seconds: (Date.now() - started) / 1000 };
}
