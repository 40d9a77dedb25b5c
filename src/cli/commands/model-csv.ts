// Reads the small CSV files `tenure model` fits (per-customer RFM, durations): a header row, then one record
// a line. Every problem names the file, line and column and says what to do; the models never see text.
import { readFileSync } from 'node:fs';
import { badInput, TenureError } from '../../errors/tenure-error.ts';

export interface CsvTable {
  file: string;
  /** Lower-cased header names, in order. */
  columns: string[];
  /** Each record's cells with the 1-based line it came from. */
  records: { line: number; cells: string[] }[];
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

export function readCsv(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TenureError('not_found', `cannot read ${file}`, {
      where: { file },
      hint: 'check the path; the file must be a CSV with a header row',
      cause,
    });
  }
  const lines = text.split(/\r?\n/);
  const headerLine = lines.findIndex((l) => l.trim() !== '');
  if (headerLine < 0)
    throw badInput('the file is empty', { file }, 'give a header row and one record a line');
  const columns = splitCsvLine(lines[headerLine] as string).map((c) => c.toLowerCase());
  const records: CsvTable['records'] = [];
  for (let i = headerLine + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '') continue;
    const cells = splitCsvLine(raw);
    if (cells.length !== columns.length) {
      throw badInput(
        `${cells.length} values where the header has ${columns.length}`,
        { file, line: i + 1 },
        `give one value for each of ${columns.join(', ')}`,
      );
    }
    records.push({ line: i + 1, cells });
  }
  return { file, columns, records };
}

/** The index of a required column, or a message naming the columns the file has. */
export function requireColumn(table: CsvTable, name: string, what: string): number {
  const index = table.columns.indexOf(name.toLowerCase());
  if (index < 0) {
    throw badInput(
      `no column '${name}' (${what}); the header has ${table.columns.join(', ')}`,
      { file: table.file, line: 1, column: name },
      `add a '${name}' column`,
    );
  }
  return index;
}

/** The number in a cell, checked; the message names file, line and column. */
export function numberCell(
  table: CsvTable,
  record: CsvTable['records'][number],
  index: number,
  rule: { integer?: boolean; min?: number; above?: number } = {},
): number {
  const text = record.cells[index] ?? '';
  const value = Number(text);
  const column = table.columns[index] as string;
  const where = { file: table.file, line: record.line, column };
  if (text === '' || !Number.isFinite(value)) {
    throw badInput(`'${text}' is not a number`, where, `give a number in column ${column}`);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw badInput(`'${text}' is not a whole number`, where, `give a whole number in column ${column}`);
  }
  if (rule.min !== undefined && value < rule.min) {
    throw badInput(`${value} is below ${rule.min}`, where, `give a value ≥ ${rule.min} in column ${column}`);
  }
  if (rule.above !== undefined && value <= rule.above) {
    throw badInput(
      `${value} is not above ${rule.above}`,
      where,
      `give a value > ${rule.above} in column ${column}`,
    );
  }
  return value;
}

/**
 * Runs a model on rows read from a table. A model error naming `rows[i].field` is re-thrown naming the
 * file, the line that row came from, and the column.
 */
export function withRowLocations<T>(file: string, lines: readonly number[], work: () => T): T {
  try {
    return work();
  } catch (err) {
    const field = err instanceof TenureError ? err.where.field : undefined;
    const match = field?.match(/^rows\[(\d+)\]\.(\w+)$/);
    if (!(err instanceof TenureError) || !match) {
      if (err instanceof TenureError && err.where.file === undefined) {
        throw new TenureError(err.code, err.message, { where: { ...err.where, file }, hint: err.hint });
      }
      throw err;
    }
    const line = lines[Number(match[1])];
    throw new TenureError(err.code, err.message, {
      where: { file, line, column: match[2] },
      hint: err.hint || 'fix or remove that row',
    });
  }
}
