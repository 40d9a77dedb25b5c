// Describes how DuckDB's own bulk readers (CSV, Parquet, JSON) read one source file: a FROM clause that
// yields the raw columns in file order, where each canonical column's raw value sits, and the row's values
// beyond the contract. Lines the CSV or NDJSON reader cannot take land in the file's rejects table with
// their line number.
// Nothing here parses rows in JavaScript.
import { badInput } from '../errors/tenure-error.ts';
import { type TableSpec, tableSpec } from '../schema/tables.ts';
import type { DuckDBEngine } from '../warehouse/duckdb/duckdb-engine.ts';
import type { SqlParams } from '../warehouse/sql-builder.ts';
import { readCsvHeader } from './csv-header.ts';
import type { SourceFile } from './discover.ts';
import { hasRepeats } from './json-values.ts';
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
  /** Header columns beyond the contract (CSV, Parquet), as the file names them. */
  readonly extras: readonly { name: string; expr: string }[];
  /**
   * The row's values beyond the contract, for the table's JSON column: SQL giving a
   * LIST(STRUCT(key VARCHAR, value JSON)), empty values left out (an empty cell adds nothing). Undefined
   * when the file can have none. Names are bound, never pasted.
   */
  extraEntries(params: SqlParams): string | undefined;
  /** The raw row as text, kept in the quarantine so a refused row is never lost (unqualified columns). */
  rawExpr(params: SqlParams): string;
  /** A problem found while reading (bad JSON line, not a track call), as SQL giving 'code|' or NULL. */
  readonly readProblem?: string;
  /** The key a read problem names (a key given twice on the line), as SQL. */
  readonly readProblemKey?: string;
  /**
   * Whether DuckDB's line reader records the lines it rejects (not UTF-8, longer than 10 MB, for CSV also
   * lines of the wrong shape): they are quarantined, and their numbers shift the later rows' line numbers.
   */
  readonly tracksRejects: boolean;
  /** Line number of record 1 minus one, before shifting: the header makes it 1 for CSV. */
  readonly lineOffset: number;
  /** The CSV header, in file order: the reader knows its columns as c0, c1, … */
  readonly header?: readonly string[];
  /** A CSV file whose lines end in a lone CR (classic Mac), which DuckDB reads too. */
  readonly crLineEnds?: boolean;
}

/** The longest line DuckDB's readers take; a longer one is quarantined as line_too_long. */
export const MAX_LINE_BYTES = 10_000_000;

/** The options that make DuckDB's line reader record the lines it rejects, or skip them on a re-read. */
const rejectOptions = (st: StageTables, reread: boolean) =>
  reread
    ? 'ignore_errors = true'
    : `store_rejects = true, rejects_table = '${st.rejects}', rejects_scan = '${st.rejectScans}'`;

/** The read problem of an empty NDJSON line: not a row, so dropped before anything is counted. */
export const BLANK_LINE = 'blank_line';

/** An empty value adds nothing to the JSON column (and erases nothing); others are kept as JSON. */
const extraEntry = (params: SqlParams, name: string, expr: string) =>
  `{key: ${params.bind(name)}, value: CASE WHEN nullif(CAST(${expr} AS VARCHAR), '') IS NOT NULL THEN to_json(${expr}) END}`;

/** Contract columns are matched without case; the others are extras and keep the file's spelling. */
function splitKnown(spec: TableSpec, names: readonly string[]) {
  const known = new Set(spec.columns.map((c) => c.name));
  const columns = new Map<string, string>();
  const extras: { name: string; expr: string }[] = [];
  names.forEach((name, i) => {
    if (known.has(name.toLowerCase())) columns.set(name.toLowerCase(), `s.c${i}`);
    else extras.push({ name, expr: `s.c${i}` });
  });
  const extraEntries = (params: SqlParams) =>
    extras.length === 0 || !spec.extraColumnsInto
      ? undefined
      : `list_filter([${extras.map((e) => extraEntry(params, e.name, e.expr)).join(', ')}], lambda e: e.value IS NOT NULL)`;
  return { columns, extras, extraEntries };
}

/** The raw row as a JSON object keyed by the file's own column names (bound, not pasted). */
const jsonOfColumns = (names: readonly string[]) => (params: SqlParams) =>
  `json_object(${names.map((n, i) => `${params.bind(n)}, c${i}`).join(', ')})::VARCHAR`;

async function csvReader(file: SourceFile): Promise<SourceReader> {
  const { names: header, crLineEnds } = await readCsvHeader(file.path, file.name);
  // Positional names (c0, c1, …) keep the file's own header text out of SQL identifiers.
  const columnTypes = header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return {
    from: (params, st, reread = false) =>
      `(SELECT ${reread ? 'row_number() OVER () AS __rec, ' : ''}* FROM read_csv(${params.bind(file.path)},
        columns = {${columnTypes}}, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
        null_padding = false, max_line_size = ${MAX_LINE_BYTES}, ${rejectOptions(st, reread)})) s`,
    ...splitKnown(tableSpec(file.table), header),
    rawExpr: jsonOfColumns(header),
    tracksRejects: true,
    lineOffset: 1,
    header,
    crLineEnds,
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
  // Columns are matched without case, so two names that differ only in case would be one column.
  const seen = new Map<string, string>();
  for (const n of names) {
    const first = seen.get(n.toLowerCase());
    if (first !== undefined) {
      throw badInput(
        `column ${first} appears twice (also as ${n}; case does not tell columns apart)`,
        { file: file.name, column: first },
        'rename or drop one of them',
      );
    }
    seen.set(n.toLowerCase(), n);
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

/** Segment `track` fields read in place of a canonical event column when the line lacks that column. */
const SEGMENT_ALIASES: Record<string, string> = {
  event_id: 'messageId',
  user_id: 'userId',
  occurred_at: 'timestamp',
  name: 'event',
};

function jsonShape(spec: TableSpec): string {
  const fields = spec.columns.map((c) => `"${c.name}": "${c.kind === 'json' ? 'JSON' : 'VARCHAR'}"`);
  if (spec.name === 'events') {
    fields.push(...Object.values(SEGMENT_ALIASES).map((k) => `"${k}": "VARCHAR"`));
    fields.push('"type": "VARCHAR"', '"context": {"groupId": "VARCHAR"}');
  }
  return `{${fields.join(', ')}}`;
}

/**
 * The SQL giving a line's values beyond the contract, as LIST(STRUCT(key, value JSON)), and a cheap test
 * of whether it may have any. Contract keys are ours (no quote in them), so they are written as literals.
 * A Segment field is read as a column only when the line lacks that column, and `context` only for its
 * groupId when that is all it holds; otherwise they are kept like any other key.
 */
function lineExtras(spec: TableSpec) {
  const events = spec.name === 'events';
  const read = spec.columns.map((c) => c.name);
  if (events) read.push('type', 'context', ...Object.values(SEGMENT_ALIASES));
  const notRead = (key: string) => `${key} NOT IN (${read.map((k) => `'${k}'`).join(', ')})`;
  // Segment fields kept after all, as conditions on a key (and its value, for context).
  const aliasesKept = (key: string) =>
    Object.entries(SEGMENT_ALIASES).map(
      ([column, alias]) => `(${key} = '${alias}' AND s.j.${column} IS NOT NULL AND s.j.${alias} IS NOT NULL)`,
    );
  const contextKept = (key: string, value: string) =>
    `(${key} = 'context' AND (s.j.customer_id IS NOT NULL OR json_keys(${value}) <> ['groupId']))`;
  const segmentMay = events
    ? [
        ...Object.entries(SEGMENT_ALIASES).map(
          ([c, alias]) => `(s.j.${c} IS NOT NULL AND s.j.${alias} IS NOT NULL)`,
        ),
        `list_contains(s.__keys, 'context')`,
      ]
    : [];
  const keep = [
    notRead('e.key'),
    ...(events ? [...aliasesKept('e.key'), contextKept('e.key', 'e.value')] : []),
  ];
  return {
    any: [`len(list_filter(s.__keys, lambda k: ${notRead('k')})) > 0`, ...segmentMay].join(' OR '),
    entries: `list_filter(map_entries(from_json(s.__text, '"MAP(VARCHAR, JSON)"')),
      lambda e: e.value IS NOT NULL AND (${keep.join(' OR ')}))`,
  };
}

function ndjsonReader(file: SourceFile): SourceReader {
  const spec = tableSpec(file.table);
  const columns = new Map<string, string>();
  for (const c of spec.columns) {
    const alias = spec.name === 'events' ? SEGMENT_ALIASES[c.name] : undefined;
    columns.set(c.name, alias ? `coalesce(s.j.${c.name}, s.j.${alias})` : `s.j.${c.name}`);
  }
  if (spec.name === 'events') columns.set('customer_id', 'coalesce(s.j.customer_id, s.j.context.groupId)');
  const trackOnly = spec.name === 'events' ? ` WHEN lower(s.j.type) <> 'track' THEN 'not_track_call|'` : '';
  const extras = lineExtras(spec);
  return {
    // Each line is read whole as text (0x1F never occurs unescaped in JSON), so every line keeps its
    // number; blank lines are refused as 'blank' and then dropped uncounted (they are not rows). Lines
    // DuckDB cannot read (not UTF-8, too long) are recorded as rejects, as for CSV.
    from: (params, st, reread = false) =>
      `(SELECT ${reread ? '__rec, ' : ''}line AS __text, __keys, __repeats,
          CASE WHEN __valid THEN json_transform(line, ${params.bind(jsonShape(spec))}) END AS j
        FROM (SELECT *, ${hasRepeats('__keys')} AS __repeats
        FROM (SELECT *, CASE WHEN __valid THEN json_keys(line) END AS __keys
        FROM (SELECT ${reread ? 'row_number() OVER () AS __rec, ' : ''}line,
          starts_with(ltrim(line), '{') AND json_valid(line) AS __valid FROM read_csv(${params.bind(file.path)},
          columns = {'line': 'VARCHAR'}, auto_detect = false, header = false, delim = '\x1f', quote = '',
          escape = '', max_line_size = ${MAX_LINE_BYTES}, strict_mode = false, ${rejectOptions(st, reread)}))))) s`,
    columns,
    extras: [],
    // Keys beyond the contract go to the JSON column; a JSON null adds nothing, like an empty CSV cell. A
    // line that repeats a key is refused, and its keys are not folded (a map cannot hold a key twice); keys
    // repeated deeper down are found in the stored JSON value, which holds every nested value kept.
    extraEntries: () =>
      spec.extraColumnsInto
        ? `CASE WHEN NOT s.__repeats AND (${extras.any}) THEN ${extras.entries} END`
        : undefined,
    rawExpr: () => '__text',
    readProblem: `CASE WHEN s.__text IS NULL OR trim(s.__text) = '' THEN '${BLANK_LINE}|'
      WHEN s.j IS NULL THEN 'bad_json_line|'
      WHEN s.__repeats THEN 'duplicate_json_key|'${trackOnly} END`,
    readProblemKey: 'tenure_repeated_key(__keys)',
    tracksRejects: true,
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
