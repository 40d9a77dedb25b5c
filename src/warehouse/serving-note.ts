// The note `tenure serve` leaves beside a DuckDB file it holds, FILE.serving.json, readable by its user only:
// the server's process id, where it answers, and a key that acts as admin there. DuckDB lets one process
// open a file for writing, so a command that finds the file held reads the note and reaches the server
// that holds it (`tenure ingest` and `tenure compute` go through it). Whoever can read the note can read and
// write the warehouse file beside it anyway: the key gives them nothing they lacked.
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface ServingNote {
  readonly pid: number;
  /** Where the server answers, reachable from this machine (loopback for a wildcard address). */
  readonly url: string;
  /** The Host header the server answers for. */
  readonly host: string;
  /** A bearer token that acts as admin on this server for as long as it runs. */
  readonly key: string;
  /** The warehouse file, absolute. */
  readonly db: string;
  readonly started_at: string;
}

export function servingNotePath(db: string): string {
  return `${resolve(db)}.serving.json`;
}

/** Writes the note (through a temporary file and a rename, so a reader never sees half of it). */
export function writeServingNote(note: ServingNote): void {
  const path = servingNotePath(note.db);
  const temporary = `${path}.${note.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(note, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Removes the note of the process `pid` (a later server's note is left alone). */
export function removeServingNote(db: string, pid: number): void {
  if (readNote(db)?.pid === pid) rmSync(servingNotePath(db), { force: true });
}

/** The note beside `db`, when there is one and its process is still running. */
export function readServingNote(db: string): ServingNote | undefined {
  const note = readNote(db);
  return note && isRunning(note.pid) ? note : undefined;
}

function readNote(db: string): ServingNote | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(servingNotePath(db), 'utf8'));
  } catch {
    return undefined;
  }
  const n = parsed as Partial<ServingNote> | null;
  const complete =
    typeof n?.pid === 'number' &&
    typeof n.url === 'string' &&
    typeof n.host === 'string' &&
    typeof n.key === 'string' &&
    typeof n.db === 'string';
  return complete ? (n as ServingNote) : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
