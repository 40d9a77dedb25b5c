// Reads one source file into the temporary table `stage_read` with DuckDB's own bulk readers (CSV,
// Parquet, JSON) and describes where each canonical column's raw value sits. Lines the CSV reader cannot
// parse land in `stage_csv_rejects` with their line number. Nothing here parses rows in JavaScript.
import { badInput } from '../errors/tenure-error.ts';
import { type TableSpec, tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { SqlParams } from '../warehouse/sql-builder.ts';
import { readCsvHeader } from './csv-header.ts';
import type { SourceFile } from './discover.ts';

/** What the validation step needs to know about a staged file. Expressions read from alias `s`. */
export interface StagedSource {
  /** Canonical column → SQL expression of its raw value; absent columns are not in the map. */
  readonly columns: ReadonlyMap<string, string>;
  /** Columns beyond the contract, folded into the table's JSON column. Names are bound, never pasted. */
  readonly extras: readonly { name: string; expr: string }[];
  /** The raw row as text, kept in the quarantine so a refused row is never lost. */
  rawExpr(params: SqlParams): string;
  /** A problem found while reading (bad JSON line, not a track call), as SQL giving a code or NULL. */
  readonly readProblem?: string;
  /** Rows staged in stage_read (blank NDJSON lines excluded). */
  readonly rows: number;
  /** Whether the CSV reader rejected lines (then stage_read row numbers need shifting to lines). */
  readonly hasRejects: boolean;
  /** Line number of stage_read row `s.__rec` before shifting: the header adds one for CSV. */
  readonly lineOffset: number;
  /** The CSV header, in file order: the reader knows its columns as c0, c1, … */
  readonly header?: readonly string[];
}

const REJECTS = 'stage_csv_rejects';

async function count(db: DuckDBEngine, sql: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql);
  return Number(row?.n ?? 0);
}

async function stageCsv(db: DuckDBEngine, file: SourceFile): Promise<StagedSource> {
  const header = await readCsvHeader(file.path, file.name);
  // Positional names (c0, c1, …) keep the file's own header text out of SQL identifiers.
  const columnTypes = header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  await db.run(`DROP TABLE IF EXISTS ${REJECTS}; DROP TABLE IF EXISTS stage_csv_scans`);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_read AS
     SELECT row_number() OVER () AS __rec, * FROM read_csv($1, columns = {${columnTypes}}, auto_detect = false,
       header = true, delim = ',', quote = '"', escape = '"', null_padding = false, max_line_size = 10000000,
       store_rejects = true, rejects_table = '${REJECTS}', rejects_scan = 'stage_csv_scans')`,
    [file.path],
  );
  const spec = tableSpec(file.table);
  const known = new Set(spec.columns.map((c) => c.name));
  const columns = new Map<string, string>();
  const extras: { name: string; expr: string }[] = [];
  header.forEach((name, i) => {
    if (known.has(name)) columns.set(name, `s.c${i}`);
    else extras.push({ name, expr: `s.c${i}` });
  });
  return {
    columns,
    extras,
    rawExpr: (params) => `json_object(${header.map((h, i) => `${params.bind(h)}, s.c${i}`).join(', ')})::VARCHAR`,
    rows: await count(db, 'SELECT count(*) AS n FROM stage_read'),
    hasRejects: (await count(db, `SELECT count(*) AS n FROM ${REJECTS}`)) > 0,
    lineOffset: 1,
    header,
  };
}

async function stageParquet(db: DuckDBEngine, file: SourceFile): Promise<StagedSource> {
  let described: { column_name: string }[];
  try {
    described = await db.query<{ column_name: string }>('DESCRIBE SELECT * FROM read_parquet($1)', [file.path]);
  } catch {
    throw badInput('cannot read this file as Parquet', { file: file.name }, 'is it a complete Parquet file?');
  }
  const names = described.map((d) => d.column_name);
  const q = db.dialect.quoteIdentifier;
  const select = names.map((n, i) => `${q(n)} AS c${i}`).join(', ');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_read AS
     SELECT file_row_number + 1 AS __rec, ${select} FROM read_parquet($1, file_row_number = true)`,
    [file.path],
  );
  const known = new Set(tableSpec(file.table).columns.map((c) => c.name));
  const columns = new Map<string, string>();
  const extras: { name: string; expr: string }[] = [];
  names.forEach((name, i) => {
    const lower = name.toLowerCase();
    if (known.has(lower)) columns.set(lower, `s.c${i}`);
    else extras.push({ name, expr: `s.c${i}` });
  });
  return {
    columns,
    extras,
    rawExpr: (params) => `json_object(${names.map((n, i) => `${params.bind(n)}, s.c${i}`).join(', ')})::VARCHAR`,
    rows: await count(db, 'SELECT count(*) AS n FROM stage_read'),
    hasRejects: false,
    lineOffset: 0,
  };
}

/** Segment `track` fields accepted in place of the canonical event columns. */
const SEGMENT_ALIASES: Record<string, string[]> = {
  event_id: ['s.j.messageId'],
  user_id: ['s.j.userId'],
  customer_id: ['s.j.context.groupId'],
  occurred_at: ['s.j.timestamp'],
  name: ['s.j.event'],
};

function jsonShape(spec: TableSpec): string {
  const fields = spec.columns.map((c) => `"${c.name}": "${c.kind === 'json' ? 'JSON' : 'VARCHAR'}"`);
  if (spec.name === 'events') {
    fields.push('"messageId": "VARCHAR"', '"userId": "VARCHAR"', '"timestamp": "VARCHAR"');
    fields.push('"event": "VARCHAR"', '"type": "VARCHAR"', '"context": {"groupId": "VARCHAR"}');
  }
  return `{${fields.join(', ')}}`;
}

async function stageNdjson(db: DuckDBEngine, file: SourceFile): Promise<StagedSource> {
  const spec = tableSpec(file.table);
  // Each line is read whole as text (0x1F never occurs unescaped in JSON), so every line keeps its number.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE stage_read AS
     SELECT __rec, line AS __text,
       CASE WHEN json_valid(line) AND json_type(line::JSON) = 'OBJECT' THEN json_transform(line, $2) END AS j
     FROM (SELECT row_number() OVER () AS __rec, line FROM read_csv($1, columns = {'line': 'VARCHAR'},
       auto_detect = false, header = false, delim = '\x1f', quote = '', escape = '', max_line_size = 10000000,
       strict_mode = false))
     WHERE line IS NOT NULL AND trim(line) <> ''`,
    [file.path, jsonShape(spec)],
  );
  const columns = new Map<string, string>();
  for (const c of spec.columns) {
    const aliases = spec.name === 'events' ? (SEGMENT_ALIASES[c.name] ?? []) : [];
    const own = `s.j.${c.name}`;
    columns.set(c.name, aliases.length ? `coalesce(${own}, ${aliases.join(', ')})` : own);
  }
  const trackOnly = spec.name === 'events' ? ` WHEN lower(s.j.type) <> 'track' THEN 'not_track_call'` : '';
  return {
    columns,
    extras: [],
    rawExpr: () => 's.__text',
    readProblem: `CASE WHEN s.j IS NULL THEN 'bad_json_line'${trackOnly} END`,
    rows: await count(db, 'SELECT count(*) AS n FROM stage_read'),
    hasRejects: false,
    lineOffset: 0,
  };
}

export async function stageSource(db: DuckDBEngine, file: SourceFile): Promise<StagedSource> {
  if (file.bytes === 0) {
    throw badInput(
      'the file is empty (0 bytes)',
      { file: file.name },
      file.format === 'csv'
        ? `write at least the header line (${tableSpec(file.table)
            .columns.map((c) => c.name)
            .join(',')}) or remove the file`
        : 'remove the file or export it again',
    );
  }
  try {
    if (file.format === 'csv') return await stageCsv(db, file);
    if (file.format === 'parquet') return await stageParquet(db, file);
    return await stageNdjson(db, file);
  } catch (err) {
    if (err instanceof Error && err.name === 'TenureError') throw err;
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw badInput(`cannot read the file: ${detail}`, { file: file.name }, `check that it is a ${file.format} file`);
  }
}

export { REJECTS as CSV_REJECTS_TABLE };
