// Loads a folder of canonical files into the warehouse as one atomic, idempotent load.
import { resolve } from 'node:path';
import { badInput, TenureError } from '../errors/tenure-error.ts';
import { tableSpec } from '../schema/tables.ts';
import { canonicalColumns, ensureWarehouseTables, LOAD_ID_COLUMN } from '../warehouse/canonical-ddl.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { discoverFiles, type SourceFile } from './discover.ts';
import { type LoadScope, loadScope } from './known-rows.ts';
import { PROBLEMS } from './problems.ts';
import { keepRefused } from './refused.ts';
import { type StagedFile, stageFile, type TableCounts } from './stage-table.ts';
import { dropStage } from './stage-tables.ts';

export interface IngestOptions {
  readonly dataDir: string;
  /** The moment the load is judged against (future dates); defaults to now. */
  readonly now?: Date;
  /** How far past `now` a timestamp may lie before it is refused, in days (clock skew, time zones). */
  readonly futureToleranceDays?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /**
   * How the load's writes wait their turn beside other readers of the warehouse: a server loading into the
   * warehouse it serves publishes between its computations, never in the middle of one. At once by default.
   */
  readonly turn?: <T>(write: () => Promise<T>) => Promise<T>;
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

const atOnce = <T>(write: () => Promise<T>) => write();

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

async function hasCustomers(db: DuckDBEngine, scope: LoadScope): Promise<boolean> {
  if (!scope.inWarehouse('customers')) return false;
  return (await db.query('SELECT 1 AS one FROM customers LIMIT 1')).length > 0;
}

function noCustomers(where: string, message: string, hint: string) {
  return badInput(message, { file: where }, hint);
}

/** Inside the transaction: appends a staged file's good rows and keeps its refusals. */
async function publishFile(db: DuckDBEngine, staged: StagedFile, loadId: number): Promise<number> {
  const cols = canonicalColumns(staged.file.table)
    .map((c) => `"${c}"`)
    .join(', ');
  const loaded = await db.run(
    `INSERT INTO "${staged.file.table}" (${cols}, "${LOAD_ID_COLUMN}") SELECT ${cols}, $1 FROM ${staged.tables.good}`,
    [loadId],
  );
  if (loaded !== staged.counts.loaded) {
    throw new TenureError(
      'internal',
      `${staged.file.name}: ${loaded} rows published, ${staged.counts.loaded} staged`,
    );
  }
  await keepRefused(db, staged.file, staged.src, staged.tables, loadId);
  return loaded;
}

/**
 * Stages every file first (reading, typing, checking: the long part, outside any transaction, leaving the
 * warehouse untouched), then publishes them all in one transaction: all of it lands or none of it.
 */
export async function ingest(db: DuckDBEngine, opts: IngestOptions): Promise<IngestReport> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const futureLimit = new Date(now.getTime() + (opts.futureToleranceDays ?? 1) * DAY_MS);
  const { files, ignored } = await discoverFiles(opts.dataDir);
  const bytesTotal = files.reduce((sum, f) => sum + f.bytes, 0);
  const scope = await loadScope(db);
  const hadCustomers = await hasCustomers(db, scope);
  const required = tableSpec('customers')
    .columns.filter((c) => c.required)
    .map((c) => c.name)
    .join(', ');
  if (!files.some((f) => f.table === 'customers') && !hadCustomers) {
    throw noCustomers(
      opts.dataDir,
      `no customers file in ${opts.dataDir}, and the warehouse has no customers yet`,
      `add customers.csv (${required} at least): every other table refers to it`,
    );
  }
  await fillProblemReasons(db);
  const staged: StagedFile[] = [];
  try {
    let bytesDone = 0;
    for (const file of files) {
      const onStage = (stage: string) => opts.onProgress?.({ file, stage, bytesDone, bytesTotal });
      const s = await stageFile(db, file, { futureLimit, scope, onStage });
      staged.push(s);
      bytesDone += file.bytes / 2;
      if (file.table === 'customers' && s.counts.read === 0 && !hadCustomers) {
        throw noCustomers(
          file.name,
          'the file has no rows, and the warehouse has no customers yet',
          'export the customers again: every other table refers to them',
        );
      }
    }
    const tables: Record<string, FileReport> = {};
    const publish = () =>
      db.transaction(async () => {
        await ensureWarehouseTables(db);
        const id = await nextLoadId(db);
        await db.run('INSERT INTO tenure_loads VALUES ($1, $2::TIMESTAMPTZ, NULL, $3)', [
          id,
          new Date(started).toISOString(),
          resolve(opts.dataDir),
        ]);
        for (const s of staged) {
          opts.onProgress?.({ file: s.file, stage: 'publishing', bytesDone, bytesTotal });
          await publishFile(db, s, id);
          bytesDone += s.file.bytes / 2;
          const c = s.counts;
          tables[s.file.table] = { file: s.file.path, ...c };
          await db.run('INSERT INTO tenure_load_files VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
            id,
            s.file.table,
            s.file.path,
            s.file.bytes,
            c.read,
            c.loaded,
            c.quarantined,
            c.duplicates,
          ]);
        }
        await db.run('UPDATE tenure_loads SET finished_at = now() WHERE load_id = $1', [id]);
        return id;
      });
    const loadId = await (opts.turn ?? atOnce)(async () => {
      const id = await publish();
      await db.checkpoint();
      return id;
    });
    return { loadId, tables, ignored, seconds: (Date.now() - started) / 1000 };
  } finally {
    for (const s of staged) await dropStage((sql) => db.run(sql), s.tables);
  }
}
