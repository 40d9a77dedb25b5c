// Loads a folder into a ClickHouse warehouse (a server, a cluster, or chDB). As for PostgreSQL, the load is
// staged and validated in a throwaway in-memory DuckDB that first receives a mirror of what the target's
// published loads hold, so duplicates, conflicts, references and repeated refusals are judged against it.
// The load's new rows are then written to ClickHouse in batches of JSON lines, tagged with a load id no
// query sees until the load is published by one single-row insert (clickhouse-loads.ts): all of it, or
// none of it, as seen by every query, although ClickHouse has no transactions across tables.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { TenureError } from '../errors/tenure-error.ts';
import { type ColumnKind, TABLE_NAMES, type TableName, tableSpec } from '../schema/tables.ts';
import { ensureWarehouseTables, LOAD_ID_COLUMN, SYSTEM_TABLES } from '../warehouse/canonical-ddl.ts';
import type { ClickHouseEngine } from '../warehouse/clickhouse/clickhouse-engine.ts';
import {
  beginLoad,
  publishedLoadIds,
  publishLoad,
  removeAbandonedLoads,
} from '../warehouse/clickhouse/clickhouse-loads.ts';
import {
  ensureClickHouseTables,
  LOAD_TAGGED_SYSTEM_TABLES,
  storedTable,
} from '../warehouse/clickhouse/clickhouse-tables.ts';
import { duckdbDialect } from '../warehouse/duckdb/duckdb-dialect.ts';
import { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import { discoverFiles, type SourceFile } from './discover.ts';
import { type IngestOptions, type IngestReport, ingest } from './ingest.ts';
import { literal, quote, stageColumns } from './staged-sql.ts';

/** Rows per INSERT: large enough for ClickHouse to write few parts, small enough to hold in memory. */
export const BATCH_ROWS = Number(process.env.TENURE_CLICKHOUSE_BATCH_ROWS) || 100_000;

const MIRRORED: readonly string[] = [...TABLE_NAMES, 'tenure_loads', ...LOAD_TAGGED_SYSTEM_TABLES];

/** The kind of each column of a Tenure table (bookkeeping columns as canonical-ddl.ts lists them). */
function columnKinds(table: string): Map<string, ColumnKind> {
  if ((TABLE_NAMES as readonly string[]).includes(table)) {
    const kinds = new Map(tableSpec(table as TableName).columns.map((c) => [c.name, c.kind] as const));
    kinds.set(LOAD_ID_COLUMN, 'integer');
    return kinds;
  }
  return new Map(SYSTEM_TABLES[table] ?? []);
}

/** A ClickHouse column as text DuckDB casts back exactly (booleans as true/false). */
function mirrorExpression(column: string, kind: ColumnKind): string {
  const c = `\`${column}\``;
  if (kind === 'boolean') return `multiIf(isNull(${c}), NULL, toUInt8(${c}) = 1, 'true', 'false') AS ${c}`;
  if (kind === 'id' || kind === 'text' || kind === 'json') return c;
  return `toString(${c}) AS ${c}`;
}

/**
 * Copies what the target's published loads hold into the staging DuckDB (through JSON lines, every value
 * as text DuckDB casts back exactly). Returns the last published load id.
 */
async function mirrorTarget(target: ClickHouseEngine, stage: DuckDBEngine, dir: string): Promise<number> {
  await ensureWarehouseTables(stage);
  for (const table of MIRRORED) {
    const kinds = columnKinds(table);
    const cols = await stageColumns(stage, table);
    const path = join(dir, `mirror-${table}.ndjson`);
    const select = cols.map((c) => mirrorExpression(c, kinds.get(c) ?? 'text')).join(', ');
    await target.exportJsonLines(`SELECT ${select} FROM \`${table}\``, path);
    if ((await stat(path)).size === 0) continue;
    const types = `{${cols.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ')}}`;
    const casts = cols.map((c) => `CAST(${quote(c)} AS ${stageType(table, c, kinds.get(c))})`).join(', ');
    await stage.run(
      `INSERT INTO ${quote(table)} (${cols.map(quote).join(', ')})
       SELECT ${casts} FROM read_json(${literal(path)}, format = 'newline_delimited', columns = ${types})`,
    );
  }
  const published = await publishedLoadIds(target);
  return published.at(-1) ?? 0;
}

/** The staging DuckDB's type of a column. */
function stageType(table: string, column: string, kind: ColumnKind | undefined): string {
  const system = SYSTEM_TABLES[table]?.find(([c]) => c === column)?.[1];
  if (system) return duckdbDialect.columnType(system);
  if (column === LOAD_ID_COLUMN) return 'BIGINT';
  return duckdbDialect.columnType(kind ?? 'text');
}

/** The instants and dates ClickHouse can hold, as DuckDB literals, by whether it has DateTime64. */
function ranges(dateTime64: boolean) {
  return {
    instant: dateTime64
      ? { from: '1900-01-01 00:00:00+00', to: '2299-12-31 23:59:59.999999+00', text: '1900 to 2299' }
      : { from: '1970-01-01 00:00:00+00', to: '2106-02-07 06:28:15+00', text: '1970 to 2106' },
    date: { from: '1970-01-01', to: '2149-06-06', text: '1970-01-01 to 2149-06-06' },
  };
}

/**
 * Refuses a load holding a value the target cannot store as it is: an instant with a fraction of a second
 * on a server without DateTime64, or an instant or date outside the range ClickHouse holds. Checked before
 * anything is written.
 */
async function checkStorable(
  stage: DuckDBEngine,
  target: ClickHouseEngine,
  stagedId: number,
  files: ReadonlyMap<string, SourceFile>,
): Promise<void> {
  const r = ranges(target.capabilities.dateTime64);
  for (const table of TABLE_NAMES) {
    for (const column of tableSpec(table).columns) {
      if (column.kind !== 'timestamp' && column.kind !== 'date') continue;
      const c = quote(column.name);
      const range = column.kind === 'date' ? r.date : r.instant;
      const cast = column.kind === 'date' ? 'DATE' : 'TIMESTAMPTZ';
      const fraction =
        column.kind === 'timestamp' && !target.capabilities.dateTime64
          ? `epoch_us(${c}) % 1000000 != 0`
          : 'false';
      const [row] = await stage.query<{ outside: number; fractions: number }>(
        `SELECT count(*) FILTER (WHERE ${c} < CAST(${literal(range.from)} AS ${cast})
                                    OR ${c} > CAST(${literal(range.to)} AS ${cast})) AS outside,
                count(*) FILTER (WHERE ${fraction}) AS fractions
         FROM ${quote(table)} WHERE ${quote(LOAD_ID_COLUMN)} = $1`,
        [stagedId],
      );
      const where = { file: files.get(table)?.name ?? `${table}`, column: column.name };
      const name = `${target.name} ${target.version}`;
      if (Number(row?.fractions) > 0) {
        throw new TenureError(
          'bad_input',
          `${row?.fractions} rows have times with fractions of a second, which ${name} cannot keep (it has no DateTime64)`,
          {
            where,
            hint: 'load into a ClickHouse server of version 20.1 or later, chDB, DuckDB or PostgreSQL; nothing was written',
          },
        );
      }
      if (Number(row?.outside) > 0) {
        throw new TenureError(
          'bad_input',
          `${row?.outside} rows have ${column.kind === 'date' ? 'dates' : 'times'} outside ${range.text}, which ${name} cannot hold`,
          {
            where,
            hint: 'load into DuckDB or PostgreSQL, or correct the values; nothing was written',
          },
        );
      }
    }
  }
}

/** A staged column as a JSON value ClickHouse's JSONEachRow reads exactly. */
function publishExpression(column: string, kind: ColumnKind, target: ClickHouseEngine): string {
  const c = quote(column);
  if (kind === 'timestamp') {
    const format = target.capabilities.dateTime64 ? '%Y-%m-%d %H:%M:%S.%f' : '%Y-%m-%d %H:%M:%S';
    return `strftime(${c} AT TIME ZONE 'UTC', ${literal(format)}) AS ${c}`;
  }
  if (kind === 'json') return `CAST(${c} AS VARCHAR) AS ${c}`;
  if (kind === 'boolean' && !target.capabilities.boolType) return `CAST(${c} AS INTEGER) AS ${c}`;
  return c;
}

/** Appends the load's rows of one table to its stored table, BATCH_ROWS per INSERT. Returns the rows written. */
async function copyTable(
  stage: DuckDBEngine,
  target: ClickHouseEngine,
  table: string,
  ids: { staged: number; target: number },
  dir: string,
  onBatch: (written: number, total: number) => void,
): Promise<number> {
  const kinds = columnKinds(table);
  const loadColumn = (SYSTEM_TABLES[table] ? 'load_id' : LOAD_ID_COLUMN) as string;
  const cols = await stageColumns(stage, table);
  if (cols.length === 0) return 0;
  const select = cols
    .map((c) =>
      c === loadColumn
        ? `CAST(${ids.target} AS BIGINT) AS ${quote(c)}`
        : publishExpression(c, kinds.get(c) ?? 'text', target),
    )
    .join(', ');
  const path = join(dir, `publish-${table}.ndjson`);
  const total = await stage.run(
    `COPY (SELECT ${select} FROM ${quote(table)} WHERE ${quote(loadColumn)} = ${Number(ids.staged)})
     TO ${literal(path)} (FORMAT json)`,
  );
  if (total === 0) return 0;
  // Our own plain names: chDB's insert takes them unquoted.
  const columns = cols;
  let batch: string[] = [];
  let written = 0;
  const flush = async () => {
    await target.insertJsonLines(storedTable(table), columns, `${batch.join('\n')}\n`);
    written += batch.length;
    batch = [];
    onBatch(written, total);
  };
  for await (const line of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line === '') continue;
    batch.push(line);
    if (batch.length >= BATCH_ROWS) await flush();
  }
  if (batch.length > 0) await flush();
  if (written !== total)
    throw new TenureError('internal', `${table}: ${written} rows written, ${total} staged`);
  return written;
}

function stagingOptions(opts: IngestOptions): IngestOptions {
  return {
    dataDir: opts.dataDir,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.futureToleranceDays !== undefined ? { futureToleranceDays: opts.futureToleranceDays } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  };
}

/** Loads `opts.dataDir` into a ClickHouse warehouse as one all-or-nothing load. */
export async function ingestIntoClickHouse(
  target: ClickHouseEngine,
  opts: IngestOptions,
): Promise<IngestReport> {
  const started = new Date();
  await ensureClickHouseTables(target);
  const dir = await mkdtemp(join(tmpdir(), 'tenure-clickhouse-'));
  const stage = await DuckDBEngine.open(':memory:');
  try {
    const lastLoadId = await mirrorTarget(target, stage, dir);
    // The staging DuckDB is this load's own: it takes the folder's options, nothing else of the caller's.
    const report = await ingest(stage, stagingOptions(opts));
    const { files } = await discoverFiles(opts.dataDir);
    const byTable = new Map(files.map((f) => [f.table, f] as const));
    const bytesTotal = files.reduce((s, f) => s + f.bytes, 0);
    await checkStorable(stage, target, report.loadId, byTable);
    if (((await publishedLoadIds(target)).at(-1) ?? 0) !== lastLoadId) {
      throw new TenureError('engine_failure', `another load reached ${target.location} while this one ran`, {
        hint: 'run the load again: nothing of it was published',
      });
    }
    const source = resolve(opts.dataDir);
    const id = await beginLoad(target, started, source);
    await removeAbandonedLoads(target, id);
    for (const table of [...TABLE_NAMES, ...LOAD_TAGGED_SYSTEM_TABLES]) {
      const file = byTable.get(table as TableName);
      await copyTable(stage, target, table, { staged: report.loadId, target: id }, dir, (written, total) => {
        if (file) {
          opts.onProgress?.({
            file,
            stage: `written to ${target.name}: ${written} of ${total} rows`,
            bytesDone: bytesTotal,
            bytesTotal,
          });
        }
      });
    }
    await publishLoad(target, id, started, source);
    return { ...report, loadId: id, seconds: (Date.now() - started.getTime()) / 1000 };
  } finally {
    await stage.close();
    await rm(dir, { recursive: true, force: true });
  }
}
