// Why DuckDB's reader gave up on a whole file, in words a user can act on. DuckDB's CSV reader stops with
// "the state machine reached an invalid state", naming no line, when a file mixes line endings (a CR LF
// line in an LF file, even a blank one); a scan of the file's bytes (only after a failure) finds the line.
import { createReadStream } from 'node:fs';
import { badInput, type TenureError } from '../errors/tenure-error.ts';
import type { SourceFile } from './discover.ts';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

type Ending = 'LF' | 'CR LF' | 'CR';

export interface OddLineEnding {
  /** The line (from 1) whose ending differs from the first line's. */
  readonly line: number;
  readonly ending: Ending;
  readonly expected: Ending;
}

/**
 * The first line of a CSV file that ends otherwise than the first line does, counting lines as an editor
 * does. Line breaks inside double quotes belong to a value and are not judged ("" inside quotes toggles
 * twice, so parity is enough).
 */
export async function firstOddLineEnding(path: string): Promise<OddLineEnding | undefined> {
  let line = 1;
  let quoted = false;
  let pendingCr = false;
  let expected: Ending | undefined;
  const ended = (ending: Ending): OddLineEnding | undefined => {
    if (!quoted) {
      expected ??= ending;
      if (ending !== expected) return { line, ending, expected };
    }
    line++;
    return undefined;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 }) as AsyncIterable<Buffer>) {
    for (const byte of chunk) {
      if (pendingCr) {
        pendingCr = false;
        const odd = ended(byte === LF ? 'CR LF' : 'CR');
        if (odd) return odd;
        if (byte === LF) continue;
      }
      if (byte === QUOTE) quoted = !quoted;
      else if (byte === CR) pendingCr = true;
      else if (byte === LF) {
        const odd = ended('LF');
        if (odd) return odd;
      }
    }
  }
  return pendingCr ? ended('CR') : undefined;
}

/** The error for a file DuckDB could not read at all. */
export async function readFailure(file: SourceFile, err: unknown): Promise<TenureError> {
  if (file.format === 'csv') {
    const odd = await firstOddLineEnding(file.path);
    if (odd) {
      return badInput(
        `this line ends with ${odd.ending} while the lines before it end with ${odd.expected}: the file mixes line endings, which the CSV reader cannot follow`,
        { file: file.name, line: odd.line },
        `give every line the same ending (e.g. dos2unix ${file.name}) and load again`,
      );
    }
  }
  const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return badInput(
    `cannot read the file: ${detail}`,
    { file: file.name },
    file.format === 'csv'
      ? 'check that it is comma-separated UTF-8 text with a header line (see docs/data-model.md)'
      : `check that it is a ${file.format} file`,
  );
}
