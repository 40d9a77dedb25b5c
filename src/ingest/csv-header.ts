// Reads the header line of a CSV file, so the bulk reader can be told the columns instead of guessing
// them (guessing fails on exactly the files that most need a clear message: short or broken ones).
import { open } from 'node:fs/promises';
import { badInput } from '../errors/tenure-error.ts';

const HEADER_BYTES = 64 * 1024;

/** Splits one CSV line on commas, honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

export interface CsvHeader {
  /** Column names as the file writes them (trimmed), in file order. */
  readonly names: string[];
  /** The header line ends in a lone CR (classic Mac line ends), not LF or CR LF. */
  readonly crLineEnds: boolean;
}

export async function readCsvHeader(path: string, name: string): Promise<CsvHeader> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // A line ends at LF, CR LF, or a lone CR (old Mac files; DuckDB reads them too).
    const end = text.search(/\r\n|\n|\r/);
    const crLineEnds = end >= 0 && text[end] === '\r' && text[end + 1] !== '\n' && end + 1 < text.length;
    if (end < 0 && bytesRead === HEADER_BYTES) {
      throw badInput('the header line is longer than 64 KiB', { file: name, line: 1 }, 'is this a CSV file?');
    }
    // Names keep their case: contract columns are matched without it, extra columns are kept as written.
    const header = splitCsvLine(end < 0 ? text : text.slice(0, end)).map((h) => h.trim());
    if (header.some((h) => h.includes('\ufffd'))) {
      throw badInput(
        'the header line is not UTF-8 text',
        { file: name, line: 1 },
        're-save the file as UTF-8',
      );
    }
    const seen = new Map<string, string>();
    header.forEach((h, i) => {
      if (h === '') {
        throw badInput(
          `column ${i + 1} of the header has no name`,
          { file: name, line: 1 },
          'name every column',
        );
      }
      const first = seen.get(h.toLowerCase());
      if (first !== undefined) {
        throw badInput(
          `column ${first} appears twice in the header${first === h ? '' : ` (also as ${h}; case does not tell columns apart)`}`,
          { file: name, line: 1, column: first },
          'keep one',
        );
      }
      seen.set(h.toLowerCase(), h);
    });
    return { names: header, crLineEnds };
  } finally {
    await handle.close();
  }
}
