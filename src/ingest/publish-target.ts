// Loads a folder into any warehouse, along the load path its engine's registry entry names
// (src/warehouse/registry.ts): `in-place` (DuckDB) loads directly (`ingest`); `tagged-batches` (ClickHouse)
// is publish-clickhouse.ts; `validated-copy` (PostgreSQL) is here: the load is staged and validated exactly
// as for DuckDB, in a throwaway in-memory DuckDB that first receives a mirror of the target's Tenure tables,
// so duplicates, conflicts, references and repeated refusals are judged against what the target holds. The
// load's new rows are then copied across in one transaction on the target, as CSV files through the
// engine's bulk path.
//
// Mirroring whole tables is the simple, correct first step: its cost grows with the warehouse. Copying
// only the keys (and content hashes) the load touches is the way to make it scale.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenureError } from '../errors/tenure-error.ts';
import { TABLE_NAMES } from '../schema/tables.ts';
import { ensureWarehouseTables, LOAD_ID_COLUMN } from '../warehouse/canonical-ddl.ts';
import { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { PostgresEngine } from '../warehouse/postgres/postgres-engine.ts';
import { asClickHouse, asDuckDB, asPostgres, engineOf, type LoadPath } from '../warehouse/registry.ts';
import { tableNames } from '../warehouse/table-checks.ts';
import { type IngestOptions, type IngestReport, ingest } from './ingest.ts';
import { ingestIntoClickHouse } from './publish-clickhouse.ts';
import { literal, quote, stageColumns } from './staged-sql.ts';

const SYSTEM_TABLES = ['tenure_loads', 'tenure_load_files', 'tenure_quarantine'] as const;
/** Every table a load writes, in reference order (customers first) and then the bookkeeping. */
const TENURE_TABLES: readonly string[] = [...TABLE_NAMES, ...SYSTEM_TABLES];

/** The column holding a row's load id: canonical tables carry `_load_id`, bookkeeping tables `load_id`. */
const loadIdColumn = (table: string) =>
  (SYSTEM_TABLES as readonly string[]).includes(table) ? 'load_id' : LOAD_ID_COLUMN;

/**
 * Copies the target's Tenure tables into the staging DuckDB (tables the target lacks stay absent, as on a
 * first load). Returns the target's last load id, to check at publishing that no load landed meanwhile.
 */
async function mirrorTarget(target: PostgresEngine, stage: DuckDBEngine, dir: string): Promise<number> {
  const present = await tableNames(target);
  await ensureWarehouseTables(stage);
  for (const table of TENURE_TABLES) {
    if (!present.has(table)) {
      await stage.run(`DROP TABLE ${quote(table)}`);
      continue;
    }
    const cols = (await stageColumns(stage, table)).map(quote).join(', ');
    const path = join(dir, `mirror-${table}.csv`);
    await target.exportCsv(`SELECT ${cols} FROM ${quote(table)}`, path);
    // A quoted empty field is an empty string; only an unquoted empty field is NULL (as PostgreSQL writes).
    await stage.run(
      `COPY ${quote(table)} (${cols}) FROM ${literal(path)} (FORMAT csv, HEADER, ALLOW_QUOTED_NULLS false)`,
    );
  }
  if (!present.has('tenure_loads')) return 0;
  const [row] = await stage.query<{ id: number }>('SELECT coalesce(max(load_id), 0) AS id FROM tenure_loads');
  return Number(row?.id ?? 0);
}

/** Inside one transaction on the target: appends every row the staged load added, table by table. */
async function publishLoad(
  stage: DuckDBEngine,
  target: PostgresEngine,
  loadId: number,
  lastLoadId: number,
  dir: string,
): Promise<void> {
  await target.transaction(async (tx) => {
    await ensureWarehouseTables(tx);
    // Loads into one warehouse take turns; one that landed after the mirror was taken was not judged against.
    await tx.run('LOCK TABLE tenure_loads IN SHARE ROW EXCLUSIVE MODE');
    const [row] = await tx.query<{ id: number }>('SELECT coalesce(max(load_id), 0) AS id FROM tenure_loads');
    if (Number(row?.id ?? 0) !== lastLoadId) {
      throw new TenureError('engine_failure', `another load reached ${target.location} while this one ran`, {
        hint: 'run the load again: nothing of it was written',
      });
    }
    for (const table of TENURE_TABLES) {
      const cols = (await stageColumns(stage, table)).map(quote).join(', ');
      if (cols === '') continue;
      const path = join(dir, `publish-${table}.csv`);
      const exported = await stage.run(
        `COPY (SELECT ${cols} FROM ${quote(table)} WHERE ${quote(loadIdColumn(table))} = ${Number(loadId)})
         TO ${literal(path)} (FORMAT csv, HEADER)`,
      );
      if (exported === 0) continue;
      const loaded = await tx.bulkLoad(table, { path, format: 'csv' });
      if (loaded !== exported) {
        throw new TenureError('internal', `${table}: ${loaded} rows published, ${exported} staged`);
      }
    }
  });
}

/** The engine object a load path works on: an entry whose tag names another kind of engine is a bug. */
function loadedBy<E>(engine: E | undefined, path: LoadPath, target: Engine): E {
  if (engine === undefined) {
    throw new TenureError('internal', `the ${path} load path cannot load ${target.dialect.engineLabel}`);
  }
  return engine;
}

/** Loads `opts.dataDir` into `target`, whatever its engine, as one atomic, idempotent load. */
export async function ingestInto(target: Engine, opts: IngestOptions): Promise<IngestReport> {
  const path = engineOf(target).loadPath;
  switch (path) {
    case 'in-place':
      return ingest(loadedBy(asDuckDB(target), path, target), opts);
    case 'tagged-batches':
      return ingestIntoClickHouse(loadedBy(asClickHouse(target), path, target), opts);
    case 'validated-copy':
      return copyValidatedLoad(loadedBy(asPostgres(target), path, target), opts);
  }
}

/** Stages and validates the load in a throwaway DuckDB mirroring `target`, then copies it across. */
async function copyValidatedLoad(target: PostgresEngine, opts: IngestOptions): Promise<IngestReport> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'tenure-publish-'));
  const stage = await DuckDBEngine.open(':memory:');
  try {
    const lastLoadId = await mirrorTarget(target, stage, dir);
    // The staging DuckDB is this load's own: only publishing on the target waits for its turn.
    const report = await ingest(stage, { ...opts, turn: undefined });
    const publish = () => publishLoad(stage, target, report.loadId, lastLoadId, dir);
    await (opts.turn ? opts.turn(publish) : publish());
    return { ...report, seconds: (Date.now() - started) / 1000 };
  } finally {
    await stage.close();
    await rm(dir, { recursive: true, force: true });
  }
}
