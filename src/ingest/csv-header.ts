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

export async function readCsvHeader(path: string, name: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const end = text.search(/\r?\n/);
    if (end < 0 && bytesRead === HEADER_BYTES) {
      throw badInput('the header line is longer than 64 KiB', { file: name, line: 1 }, 'is this a CSV file?');
    }
    const header = splitCsvLine(end < 0 ? text : text.slice(0, end)).map((h) => h.trim().toLowerCase());
    if (header.some((h) => h.includes('\ufffd'))) {
      throw badInput(
        'the header line is not UTF-8 text',
        { file: name, line: 1 },
        're-save the file as UTF-8',
      );
    }
    const seen = new Set<string>();
    header.forEach((h, i) => {
      if (h === '') {
        throw badInput(
          `column ${i + 1} of the header has no name`,
          { file: name, line: 1 },
          'name every column',
        );
      }
      if (seen.has(h))
        throw badInput(
          `column ${h} appears twice in the header`,
          { file: name, line: 1, column: h },
          'keep one',
        );
      seen.add(h);
    });
    return header;
  } finally {
    await handle.close();
  }
}
