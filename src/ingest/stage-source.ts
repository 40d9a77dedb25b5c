// Describes how DuckDB's own bulk readers (CSV, Parquet, JSON) read one source file: a FROM clause that
// yields the raw columns in file order, and where each canonical column's raw value sits. Lines the CSV reader cannot parse land in `stage_csv_rejects` with their line number.
// Nothing here parses rows in JavaScript.
import { badInput } from '../errors/tenure-error.ts';
import { type TableSpec, tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { SqlParams } from '../warehouse/sql-builder.ts';
import { readCsvHeader } from './csv-header.ts';
import type { SourceFile } from './discover.ts';
import type { StageTables } from './stage-tables.ts';

/** How to read a file, for the validation step. Expressions read from alias `s`. */
export interface SourceReader {
  /**
   * A FROM item (aliased `s`) yielding the raw columns in file order. The first read records the lines the
   * CSV reader refuses; a re-read (`reread`) skips them silently and numbers the records as `__rec` (from 1),
   * as the first read's row ids do.
   */
  from(params: SqlParams, st: StageTables, reread?: boolean): string;
  /** Canonical column → SQL expression of its raw value; absent columns are not in the map. */
  readonly columns: ReadonlyMap<string, string>;
  /** Columns beyond the contract, folded into the table's JSON column. Names are bound, never pasted. */
  readonly extras: readonly { name: string; expr: string }[];
  /** The raw row as text, kept in the quarantine so a refused row is never lost (unqualified columns). */
  rawExpr(params: SqlParams): string;
  /** A problem found while reading (bad JSON line, not a track call), as SQL giving a code or NULL. */
  readonly readProblem?: string;
  /** Whether the CSV reader records rejected lines (their numbers shift the later rows' line numbers). */
  readonly tracksRejects: boolean;
  /** Line number of record 1 minus one, before shifting: the header makes it 1 for CSV. */
  readonly lineOffset: number;
  /** The CSV header, in file order: the reader knows its columns as c0, c1, … */
  readonly header?: readonly string[];
}

/** The read problem of an empty NDJSON line: not a row, so dropped before anything is counted. */
export const BLANK_LINE = 'blank_line';

function splitKnown(spec: TableSpec, names: readonly string[]) {
  const known = new Set(spec.columns.map((c) => c.name));
  const columns = new Map<string, string>();
  const extras: { name: string; expr: string }[] = [];
  names.forEach((name, i) => {
    if (known.has(name.toLowerCase())) columns.set(name.toLowerCase(), `s.c${i}`);
    else extras.push({ name, expr: `s.c${i}` });
  });
  return { columns, extras };
}

/** The raw row as a JSON object keyed by the file's own column names (bound, not pasted). */
const jsonOfColumns = (names: readonly string[]) => (params: SqlParams) =>
  `json_object(${names.map((n, i) => `${params.bind(n)}, c${i}`).join(', ')})::VARCHAR`;

async function csvReader(file: SourceFile): Promise<SourceReader> {
  const header = await readCsvHeader(file.path, file.name);
  // Positional names (c0, c1, …) keep the file's own header text out of SQL identifiers.
  const columnTypes = header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return {
    from: (params, st, reread = false) =>
      `(SELECT ${reread ? 'row_number() OVER () AS __rec, ' : ''}* FROM read_csv(${params.bind(file.path)},
        columns = {${columnTypes}}, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
        null_padding = false, max_line_size = 10000000, ${
          reread
            ? 'ignore_errors = true'
            : `store_rejects = true, rejects_table = '${st.rejects}', rejects_scan = '${st.rejectScans}'`
        })) s`,
    ...splitKnown(tableSpec(file.table), header),
    rawExpr: jsonOfColumns(header),
    tracksRejects: true,
    lineOffset: 1,
    header,
  };
}

async function parquetReader(db: DuckDBEngine, file: SourceFile): Promise<SourceReader> {
  let names: string[];
  try {
    const described = await db.query<{ column_name: string }>('DESCRIBE SELECT * FROM read_parquet($1)', [
      file.path,
    ]);
    names = described.map((d) => d.column_name);
  } catch {
    throw badInput('cannot read this file as Parquet', { file: file.name }, 'is it a complete Parquet file?');
  }
  const q = db.dialect.quoteIdentifier;
  const select = names.map((n, i) => `${q(n)} AS c${i}`).join(', ');
  return {
    from: (params, _st, reread = false) =>
      `(SELECT ${reread ? 'file_row_number + 1 AS __rec, ' : ''}${select}
        FROM read_parquet(${params.bind(file.path)}, file_row_number = ${reread})) s`,
    ...splitKnown(tableSpec(file.table), names),
    rawExpr: jsonOfColumns(names),
    tracksRejects: false,
    lineOffset: 0,
  };
}

/** Segment `track` fields accepted in place of the canonical event columns. */
const SEGMENT_ALIASES: Record<string, string> = {
  event_id: 's.j.messageId',
  user_id: 's.j.userId',
  customer_id: 's.j.context.groupId',
  occurred_at: 's.j.timestamp',
  name: 's.j.event',
};

function jsonShape(spec: TableSpec): string {
  const fields = spec.columns.map((c) => `"${c.name}": "${c.kind === 'json' ? 'JSON' : 'VARCHAR'}"`);
  if (spec.name === 'events') {
    fields.push('"messageId": "VARCHAR"', '"userId": "VARCHAR"', '"timestamp": "VARCHAR"');
    fields.push('"event": "VARCHAR"', '"type": "VARCHAR"', '"context": {"groupId": "VARCHAR"}');
  }
  return `{${fields.join(', ')}}`;
}

function ndjsonReader(file: SourceFile): SourceReader {
  const spec = tableSpec(file.table);
  const columns = new Map<string, string>();
  for (const c of spec.columns) {
    const alias = spec.name === 'events' ? SEGMENT_ALIASES[c.name] : undefined;
    columns.set(c.name, alias ? `coalesce(s.j.${c.name}, ${alias})` : `s.j.${c.name}`);
  }
  const trackOnly = spec.name === 'events' ? ` WHEN lower(s.j.type) <> 'track' THEN 'not_track_call'` : '';
  return {
    // Each line is read whole as text (0x1F never occurs unescaped in JSON), so every line keeps its
    // number; blank lines are refused as 'blank' and then dropped uncounted (they are not rows).
    from: (params, _st, reread = false) =>
      `(SELECT ${reread ? '__rec, ' : ''}line AS __text,
          CASE WHEN starts_with(ltrim(line), '{') AND json_valid(line)
            THEN json_transform(line, ${params.bind(jsonShape(spec))}) END AS j
        FROM (SELECT ${reread ? 'row_number() OVER () AS __rec, ' : ''}line FROM read_csv(${params.bind(file.path)},
          columns = {'line': 'VARCHAR'}, auto_detect = false, header = false, delim = '\x1f', quote = '',
          escape = '', max_line_size = 10000000, strict_mode = false))) s`,
    columns,
    extras: [],
    rawExpr: () => '__text',
    readProblem: `CASE WHEN s.__text IS NULL OR trim(s.__text) = '' THEN '${BLANK_LINE}'
      WHEN s.j IS NULL THEN 'bad_json_line'${trackOnly} END`,
    tracksRejects: false,
    lineOffset: 0,
  };
}

export async function sourceReader(db: DuckDBEngine, file: SourceFile): Promise<SourceReader> {
  if (file.bytes === 0) {
    const header = tableSpec(file.table)
      .columns.map((c) => c.name)
      .join(',');
    throw badInput(
      'the file is empty (0 bytes)',
      { file: file.name },
      file.format === 'csv'
        ? `write at least the header line (${header}) or remove the file`
        : 'remove the file',
    );
  }
  if (file.format === 'csv') return csvReader(file);
  if (file.format === 'parquet') return parquetReader(db, file);
  return ndjsonReader(file);
}
