// A warehouse file another process holds, said so that the user knows which process and what to do, never
// as the engine's own words. When the holder is `tenure serve` (its note beside the file names the same
// process), the error carries the note: `tenure ingest` and `tenure compute` then go through that server.
import { TenureError } from '../errors/tenure-error.ts';
import type { LockHolder } from './duckdb/file-lock.ts';
import { readServingNote, type ServingNote } from './serving-note.ts';

export class WarehouseBusy extends TenureError {
  constructor(
    readonly location: string,
    readonly holder: LockHolder | undefined,
    /** The server holding the file, when it is `tenure serve`. */
    readonly server: ServingNote | undefined,
    cause?: unknown,
  ) {
    const pid = holder?.pid ?? server?.pid;
    const who = pid === undefined ? '' : ` (PID ${pid})`;
    const named = [pid === undefined ? undefined : `PID ${pid}`, holder?.program].filter(Boolean).join(', ');
    const stop = pid === undefined ? 'stop it' : `stop it (kill -INT ${pid})`;
    super(
      'busy',
      server
        ? `the warehouse ${location} is open in \`tenure serve\`${who} at ${server.url}`
        : `the warehouse ${location} is open in another process${named ? ` (${named})` : ''}`,
      {
        hint: server
          ? `\`tenure ingest\` and \`tenure compute\` go through that server; for this command, use its API (${server.url}/openapi.json lists it) or ${stop} and run the command again`
          : `one process at a time may open it: wait for that process (a load or a command still running) to finish, or ${stop}, then run this again`,
        cause,
      },
    );
    this.name = 'WarehouseBusy';
  }
}

/** The error for a DuckDB file at `location` held by `holder`: with the server's note when it is the holder. */
export function warehouseBusy(
  location: string,
  holder: LockHolder | undefined,
  cause?: unknown,
): WarehouseBusy {
  const note = readServingNote(location);
  const server = note && (holder === undefined || note.pid === holder.pid) ? note : undefined;
  return new WarehouseBusy(location, holder, server, cause);
}
