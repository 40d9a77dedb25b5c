// Finds the empty lines of a CSV file. DuckDB's CSV reader skips them without a trace, yet counts them in
// the line numbers of the lines it rejects; knowing them lets refused rows be reported on their real line.
// Only called when a file has refused rows. A byte scan, not a parse: a quoted value holding an empty line
// would be taken for one (rare, and it only shifts a reported line number). Lines end at LF (a CR before
// it is part of the ending), or at a lone CR in a file with classic Mac line ends.
import { createReadStream } from 'node:fs';

const LF = 0x0a;
const CR = 0x0d;

export async function blankLines(path: string, crLineEnds = false): Promise<number[]> {
  const end = crLineEnds ? CR : LF;
  const blanks: number[] = [];
  let line = 1;
  // Bytes seen on the current line that are not a carriage return.
  let lineHasContent = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const at = chunk.indexOf(end, from);
      const stop = at < 0 ? chunk.length : at;
      for (let i = from; i < stop && !lineHasContent; i++) if (chunk[i] !== CR) lineHasContent = true;
      if (at < 0) break;
      if (!lineHasContent) blanks.push(line);
      line++;
      lineHasContent = false;
      from = at + 1;
    }
  }
  return blanks;
}
